import { ProviderError } from "./errors.ts";

/**
 * The cursor of the next page of a cursor-paged API, or null after the last page. A provider that
 * says more follow without a cursor, or hands back a cursor it gave before, fails the sync as
 * transient instead of looping forever or skipping data.
 */
export function nextPageCursor(input: {
  provider: string;
  providerName: string;
  hasMore: boolean;
  next: string | null | undefined;
  /** Cursors already followed in this listing; the new one is added. */
  seen: Set<string>;
}): string | null {
  if (!input.hasMore) return null;
  if (!input.next) {
    throw new ProviderError(`${input.providerName} said more pages follow but gave no page cursor`, {
      provider: input.provider,
      kind: "transient",
      code: "missing_page_cursor",
    });
  }
  if (input.seen.has(input.next)) {
    throw new ProviderError(`${input.providerName} returned the same page cursor twice`, {
      provider: input.provider,
      kind: "transient",
      code: "repeated_page_cursor",
    });
  }
  input.seen.add(input.next);
  return input.next;
}

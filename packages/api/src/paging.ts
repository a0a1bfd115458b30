/**
 * Keyset paging for every list procedure: one input shape (the list's filters plus `cursor` and
 * `limit`), one output shape (`{ items, nextCursor }`) and one cursor codec.
 *
 * A cursor is the keyset of a page's last row (see @synchub/db's repositories), sealed with the
 * server's secret box and bound to its list: it cannot be read, altered, or passed to another
 * list. The filters are not bound: a next page is simply read with the filters it is sent with.
 */
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import type { ApiContext } from "./context.ts";
import { InputRuleError } from "./inputRules.ts";

/** Rows per page when a caller names none. */
export const DEFAULT_PAGE_SIZE = 50;
/** The most rows one page may hold. */
export const MAX_PAGE_SIZE = 200;

const pageSizeMessage = `A page holds 1 to ${MAX_PAGE_SIZE} rows`;

/** The two paging fields every list input has, to spread into its zod object. */
export const pageFields = {
  /**
   * The previous page's `nextCursor`; absent (or null) for the first page. No length of its own:
   * a keyset of long names makes a long cursor, and every input's 10,000-character rule applies.
   * (Default: null)
   */
  cursor: z.string().nullish(),
  /** Rows per page. (Default: 50) */
  limit: z
    .number()
    .int("A page size is a whole number")
    .min(1, pageSizeMessage)
    .max(MAX_PAGE_SIZE, pageSizeMessage)
    .optional(),
};

/** The input of a list without filters. */
export const pageInput = z.object(pageFields);

/** What every list procedure returns. */
export interface Page<T> {
  items: T[];
  /** Pass as `cursor` for the next page; null on the last one. */
  nextCursor: string | null;
}

/**
 * The lists that page, each with the shape of its keyset. A cursor names its list through the
 * sealing, so one list's cursor never opens for another.
 */
const time = z.iso.datetime({ offset: true, precision: 6 });
const bigintText = z.string().regex(/^\d{1,18}$/);
const keysets = {
  runs: z.tuple([time, bigintText]),
  connections: z.tuple([z.string(), z.uuid(), z.string(), z.uuid()]),
  deadLetters: z.tuple([time, bigintText]),
  deadLetterGroups: z.tuple([bigintText, z.string(), z.string(), z.string()]),
  audit: z.tuple([time, bigintText]),
  tenants: z.tuple([z.string(), z.uuid()]),
  rateLimits: z.tuple([z.enum(["pool", "credential"]), z.string()]),
  needsAttention: z.tuple([time, z.uuid()]),
  jobs: z.tuple([time, bigintText]),
} as const;

export type PagedList = keyof typeof keysets;
type KeysetOf<L extends PagedList> = z.infer<(typeof keysets)[L]>;

/**
 * Reads one page of `list`: opens the input's cursor (a 400 naming `cursor` when it is not one
 * of this list's), asks `load` for the rows after it and seals the keyset of the last one.
 */
export async function readPage<L extends PagedList, T>(
  ctx: Pick<ApiContext, "secrets">,
  list: L,
  input: { cursor?: string | null; limit?: number } | undefined,
  load: (page: {
    after: KeysetOf<L> | null;
    limit: number;
  }) => Promise<{ items: T[]; next: string[] | null }>,
): Promise<Page<T>> {
  const after = input?.cursor ? openCursor(ctx, list, input.cursor) : null;
  const { items, next } = await load({ after, limit: input?.limit ?? DEFAULT_PAGE_SIZE });
  return { items, nextCursor: next ? sealCursor(ctx, list, next) : null };
}

function sealCursor(ctx: Pick<ApiContext, "secrets">, list: PagedList, keyset: string[]): string {
  return ctx.secrets.seal(JSON.stringify(keyset), `cursor:${list}`);
}

function openCursor<L extends PagedList>(
  ctx: Pick<ApiContext, "secrets">,
  list: L,
  cursor: string,
): KeysetOf<L> {
  let keyset: unknown;
  try {
    keyset = JSON.parse(ctx.secrets.open(cursor, `cursor:${list}`));
  } catch {
    // Altered, from another list, or sealed with another key (the server's key changed).
    throw badCursor(
      "This is not a cursor of this list (altered, or from another list): start from the first page",
    );
  }
  const parsed = keysets[list].safeParse(keyset);
  if (!parsed.success)
    throw badCursor("This cursor is from an older version of the list: start from the first page");
  return parsed.data as KeysetOf<L>;
}

/** A 400 that names the cursor field, as a validation error would. */
function badCursor(message: string): TRPCError {
  const cause = new InputRuleError([{ path: ["cursor"], message }]);
  return new TRPCError({ code: "BAD_REQUEST", message, cause });
}

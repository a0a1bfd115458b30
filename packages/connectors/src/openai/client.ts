import { dayToUnixSeconds, tomorrowUtc } from "../days.ts";
import { type BeforeRequest, type RetryOptions, requestJson } from "../http.ts";
import { nextPageCursor } from "../paging.ts";
import { parseResponse } from "../parse.ts";
import type { CostLine, CostPagesInput, CostsClient } from "../types.ts";
import { mapCostBuckets } from "./mapping.ts";
import { costsPageSchema } from "./schemas.ts";

const provider = "openai";
const providerName = "OpenAI";

export interface OpenAICostsClientOptions {
  /** Organization admin key (sk-admin-...). Never logged or put in error messages. */
  adminKey: string;
  /** API origin, without the /v1 path. (Default: https://api.openai.com) */
  baseUrl?: string;
  /** Daily buckets requested per page, 1 to 180. (Default: 30) */
  pageLimit?: number;
  /** Per-request timeout in milliseconds. (Default: 30000) */
  timeoutMs?: number;
  /** In-call retries for transient failures. (Default: 3 attempts, 2000 ms base delay) */
  retry?: RetryOptions;
  /** Awaited before every HTTP request, retries included, e.g. to pace calls. (Default: none) */
  beforeRequest?: BeforeRequest;
}

export const openaiDefaultBaseUrl = "https://api.openai.com";

/** Client for GET /v1/organization/costs, grouped by line item in daily buckets. */
export function createOpenAICostsClient(options: OpenAICostsClientOptions): CostsClient {
  const pageLimit = options.pageLimit ?? 30;
  if (!Number.isInteger(pageLimit) || pageLimit < 1 || pageLimit > 180) {
    throw new RangeError(`pageLimit must be an integer from 1 to 180, got ${pageLimit}`);
  }
  const endpoint = `${(options.baseUrl ?? openaiDefaultBaseUrl).replace(/\/+$/, "")}/v1/organization/costs`;

  async function* pages(input: CostPagesInput): AsyncGenerator<CostLine[]> {
    const startTime = dayToUnixSeconds(input.startDay, "startDay");
    const endTime = dayToUnixSeconds(input.endDay ?? tomorrowUtc(), "endDay");
    if (endTime <= startTime) return;

    const seenCursors = new Set<string>();
    let cursor: string | undefined;
    for (;;) {
      const url = new URL(endpoint);
      url.searchParams.set("start_time", String(startTime));
      url.searchParams.set("end_time", String(endTime));
      url.searchParams.set("bucket_width", "1d");
      url.searchParams.set("group_by", "line_item");
      url.searchParams.set("limit", String(pageLimit));
      if (cursor !== undefined) url.searchParams.set("page", cursor);

      const body = await requestJson({
        provider,
        providerName,
        credentialName: "admin key",
        url,
        headers: { authorization: `Bearer ${options.adminKey}` },
        secrets: [options.adminKey],
        ...(input.signal === undefined ? {} : { signal: input.signal }),
        ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
        ...(options.retry === undefined ? {} : { retry: options.retry }),
        ...(options.beforeRequest === undefined ? {} : { beforeRequest: options.beforeRequest }),
      });
      const page = parseResponse(costsPageSchema, body, { provider, providerName, what: "a costs page" });
      // Buckets outside the asked range would upsert days nobody asked for.
      const buckets = page.data.filter(
        (bucket) => bucket.start_time >= startTime && bucket.start_time < endTime,
      );
      yield mapCostBuckets(buckets);

      const next = nextPageCursor({
        provider,
        providerName,
        hasMore: page.has_more,
        next: page.next_page,
        seen: seenCursors,
      });
      if (next === null) return;
      cursor = next;
    }
  }

  return { pages };
}

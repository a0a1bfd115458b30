import { dayToUnixSeconds, earlierDay, todayUtc } from "../days.ts";
import { ProviderError } from "../errors.ts";
import { type BeforeRequest, type RetryOptions, requestJson } from "../http.ts";
import { nextPageCursor } from "../paging.ts";
import { parseResponse } from "../parse.ts";
import type { CostLine, CostPagesInput, CostsClient } from "../types.ts";
import { mapCostReportBuckets } from "./mapping.ts";
import { costReportSchema } from "./schemas.ts";

const provider = "anthropic";
const providerName = "Anthropic";

export interface AnthropicCostsClientOptions {
  /** Organization Admin API key (sk-ant-admin...). Never logged or put in error messages. */
  adminKey: string;
  /** API origin, without the /v1 path. (Default: https://api.anthropic.com) */
  baseUrl?: string;
  /** Daily buckets requested per page, 1 to 31. (Default: 31) */
  pageLimit?: number;
  /** Per-request timeout in milliseconds. (Default: 30000) */
  timeoutMs?: number;
  /** In-call retries for transient failures. (Default: 3 attempts, 2000 ms base delay) */
  retry?: RetryOptions;
  /** Awaited before every HTTP request, retries included, e.g. to pace calls. (Default: none) */
  beforeRequest?: BeforeRequest;
  /** Clock used to work out which days are complete. (Default: the system clock) */
  now?: () => Date;
}

export const anthropicDefaultBaseUrl = "https://api.anthropic.com";
export const anthropicVersion = "2023-06-01";

/**
 * Client for GET /v1/organizations/cost_report, grouped by description in daily buckets. Asks only
 * for complete UTC days: the range ends at today's midnight at the latest, since the report answers
 * a range holding no complete bucket with a non-retryable 400 "Invalid date range" (today's costs
 * arrive with the first sync after midnight).
 */
export function createAnthropicCostsClient(options: AnthropicCostsClientOptions): CostsClient {
  const pageLimit = options.pageLimit ?? 31;
  if (!Number.isInteger(pageLimit) || pageLimit < 1 || pageLimit > 31) {
    throw new RangeError(`pageLimit must be an integer from 1 to 31, got ${pageLimit}`);
  }
  const endpoint = `${(options.baseUrl ?? anthropicDefaultBaseUrl).replace(/\/+$/, "")}/v1/organizations/cost_report`;

  async function* pages(input: CostPagesInput): AsyncGenerator<CostLine[]> {
    const startTime = dayToUnixSeconds(input.startDay, "startDay");
    const today = todayUtc(options.now?.() ?? new Date());
    const endDay = earlierDay(input.endDay ?? today, today);
    const endTime = dayToUnixSeconds(endDay, "endDay");
    if (endTime <= startTime) return;
    const startingAt = `${input.startDay}T00:00:00Z`;
    const endingAt = `${endDay}T00:00:00Z`;

    const seenCursors = new Set<string>();
    let cursor: string | undefined;
    for (;;) {
      const url = new URL(endpoint);
      url.searchParams.set("starting_at", startingAt);
      url.searchParams.set("ending_at", endingAt);
      url.searchParams.set("bucket_width", "1d");
      url.searchParams.append("group_by[]", "description");
      url.searchParams.set("limit", String(pageLimit));
      if (cursor !== undefined) url.searchParams.set("page", cursor);

      let body: unknown;
      try {
        body = await requestJson({
          provider,
          providerName,
          credentialName: "admin key",
          url,
          headers: { "x-api-key": options.adminKey, "anthropic-version": anthropicVersion },
          secrets: [options.adminKey],
          ...(input.signal === undefined ? {} : { signal: input.signal }),
          ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
          ...(options.retry === undefined ? {} : { retry: options.retry }),
          ...(options.beforeRequest === undefined ? {} : { beforeRequest: options.beforeRequest }),
        });
      } catch (error) {
        // Our clock and the report's can disagree about whether a day is over: a range the report
        // holds no complete bucket of yet is "nothing yet", not a request to dead-letter.
        if (cursor === undefined && isNoCompleteDayYet(error)) return;
        throw error;
      }
      const page = parseResponse(costReportSchema, body, {
        provider,
        providerName,
        what: "a cost report page",
      });
      // Buckets outside the asked range would upsert days nobody asked for.
      const buckets = page.data.filter((bucket) => {
        const start = Date.parse(bucket.starting_at) / 1000;
        return start >= startTime && start < endTime;
      });
      yield mapCostReportBuckets(buckets);

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

/** Anthropic's 400 for a range without a complete bucket: "Invalid date range: ending date must be after starting date". */
function isNoCompleteDayYet(error: unknown): boolean {
  return (
    error instanceof ProviderError &&
    error.status === 400 &&
    error.code === "invalid_request_error" &&
    /invalid date range/i.test(error.message)
  );
}

import { addDays, dayToUnixSeconds, earlierDay, tomorrowUtc } from "../days.ts";
import { ProviderError } from "../errors.ts";
import { type BeforeRequest, type RetryOptions, requestJson } from "../http.ts";
import { parseResponse } from "../parse.ts";
import type { CostLine, CostPagesInput, CostsClient } from "../types.ts";
import { addBillRows } from "./mapping.ts";
import { listBillDetailResponseSchema } from "./schemas.ts";
import { signVolcengineRequest } from "./sign.ts";

const provider = "volcengine";
const providerName = "Volcano Engine";
const apiVersion = "2022-01-01";

export interface VolcengineCostsClientOptions {
  /** Access key id (AKLT...). */
  accessKeyId: string;
  /** Secret access key; only used to sign, never sent, logged or put in error messages. */
  secretAccessKey: string;
  /** Billing OpenAPI origin. (Default: https://billing.volcengineapi.com) */
  baseUrl?: string;
  /** Region in the signing scope; the billing service is signed for cn-north-1. (Default: "cn-north-1") */
  region?: string;
  /** Bill rows requested per page, 1 to 300. (Default: 300) */
  pageLimit?: number;
  /** Per-request timeout in milliseconds. (Default: 30000) */
  timeoutMs?: number;
  /** In-call retries for transient failures. (Default: 3 attempts, 2000 ms base delay) */
  retry?: RetryOptions;
  /** Awaited before every HTTP request, retries included, e.g. to pace calls. (Default: none) */
  beforeRequest?: BeforeRequest;
  /** Clock used to work out which bill months Volcano Engine still serves. (Default: the system clock) */
  now?: () => Date;
}

export const volcengineDefaultBaseUrl = "https://billing.volcengineapi.com";
export const volcengineDefaultRegion = "cn-north-1";

/**
 * Client for the billing OpenAPI action ListBillDetail (version 2022-01-01), signed with
 * HMAC-SHA256. Asks one bill period (month) at a time, grouped by billing item per day, and pages
 * with Limit/Offset. Yields one page per month, once all of its rows are in, because a billing
 * item may be split over rows on different provider pages and each (day, line item) must appear
 * once. Days are the bill's expense dates as Volcano Engine reports them.
 */
export function createVolcengineCostsClient(options: VolcengineCostsClientOptions): CostsClient {
  const pageLimit = options.pageLimit ?? 300;
  if (!Number.isInteger(pageLimit) || pageLimit < 1 || pageLimit > 300) {
    throw new RangeError(`pageLimit must be an integer from 1 to 300, got ${pageLimit}`);
  }
  const endpoint = `${(options.baseUrl ?? volcengineDefaultBaseUrl).replace(/\/+$/, "")}/`;
  const region = options.region ?? volcengineDefaultRegion;

  async function listBillDetail(params: Record<string, unknown>, signal: AbortSignal | undefined) {
    const url = new URL(endpoint);
    url.searchParams.set("Action", "ListBillDetail");
    url.searchParams.set("Version", apiVersion);
    const body = JSON.stringify(params);
    const headers = signVolcengineRequest({
      method: "POST",
      url,
      headers: { "content-type": "application/json" },
      body,
      accessKeyId: options.accessKeyId,
      secretAccessKey: options.secretAccessKey,
      region,
      service: "billing",
    });
    const response = await requestJson({
      provider,
      providerName,
      credentialName: "access key",
      url,
      method: "POST",
      headers,
      body,
      secrets: [options.secretAccessKey, options.accessKeyId],
      ...(signal === undefined ? {} : { signal }),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      ...(options.retry === undefined ? {} : { retry: options.retry }),
      ...(options.beforeRequest === undefined ? {} : { beforeRequest: options.beforeRequest }),
    });
    return parseResponse(listBillDetailResponseSchema, response, {
      provider,
      providerName,
      what: "a bill detail page",
    }).Result;
  }

  async function* pages(input: CostPagesInput): AsyncGenerator<CostLine[]> {
    const endDay = input.endDay ?? tomorrowUtc();
    dayToUnixSeconds(input.startDay, "startDay");
    dayToUnixSeconds(endDay, "endDay");
    if (endDay <= input.startDay) return;
    // Older months are refused with a 400 that would dead-letter the whole backfill: ask only the
    // months served, and say which days were left out.
    const firstServedDay = `${earliestBillPeriod(options.now?.() ?? new Date())}-01`;
    if (input.startDay < firstServedDay) {
      const lastSkipped = addDays(earlierDay(firstServedDay, endDay), -1);
      input.onNotice?.(
        `Volcano Engine answers bill months from ${firstServedDay.slice(0, 7)} on (the last 24 months, none before 2022-01): days from ${input.startDay} to ${lastSkipped} were not asked for`,
      );
    }
    const startDay = input.startDay < firstServedDay ? firstServedDay : input.startDay;
    if (endDay <= startDay) return;

    for (const period of billPeriods(startDay, endDay)) {
      const lines = new Map<string, CostLine>();
      let offset = 0;
      for (;;) {
        const result = await listBillDetail(
          {
            BillPeriod: period.billPeriod,
            // One day asked: the docs recommend ExpenseDate, it makes the query cheaper.
            ...(period.singleDay === undefined ? {} : { ExpenseDate: period.singleDay }),
            GroupTerm: 0,
            GroupPeriod: 1,
            Limit: pageLimit,
            Offset: offset,
            NeedRecordNum: 1,
          },
          input.signal,
        );
        if (result.Offset !== offset) {
          throw new ProviderError(
            `Volcano Engine returned a different page than the one asked for (offset ${result.Offset} instead of ${offset})`,
            { provider, kind: "transient", code: "unexpected_page" },
          );
        }
        addBillRows(
          lines,
          result.List.filter((row) => {
            const day = row.ExpenseDate.slice(0, 10);
            return day >= startDay && day < endDay;
          }),
        );
        offset += result.List.length;
        const done =
          result.List.length === 0 ||
          (result.Total >= 0 ? offset >= result.Total : result.List.length < pageLimit);
        if (done) break;
      }
      yield [...lines.values()];
    }
  }

  return { pages };
}

/**
 * The oldest bill month ListBillDetail serves: "最多24个月；最早只能查询2022-01" (at most 24 months,
 * nothing before 2022-01; https://volcengine.com/docs/6269/1127842, read 2026-12-03). Read strictly:
 * the current month and the 23 before it, since asking one month too many fails the sync.
 */
export function earliestBillPeriod(now: Date): string {
  const months = now.getUTCFullYear() * 12 + now.getUTCMonth() - 23;
  const period = `${Math.floor(months / 12)}-${String((months % 12) + 1).padStart(2, "0")}`;
  return period < "2022-01" ? "2022-01" : period;
}

/** The months (YYYY-MM) a day range touches, with the day when the range is a single day. */
function billPeriods(startDay: string, endDay: string): { billPeriod: string; singleDay?: string }[] {
  const periods: { billPeriod: string; singleDay?: string }[] = [];
  let year = Number(startDay.slice(0, 4));
  let month = Number(startDay.slice(5, 7));
  for (;;) {
    const billPeriod = `${year}-${String(month).padStart(2, "0")}`;
    if (`${billPeriod}-01` >= endDay) break;
    periods.push({ billPeriod });
    month += 1;
    if (month > 12) {
      month = 1;
      year += 1;
    }
  }
  const dayAfterStart = new Date(Date.parse(`${startDay}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  if (periods.length === 1 && dayAfterStart === endDay) periods[0]!.singleDay = startDay;
  return periods;
}

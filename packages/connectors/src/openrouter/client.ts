import {
  addDays,
  daysBetween,
  dayToUnixSeconds,
  earlierDay,
  laterDay,
  todayUtc,
  tomorrowUtc,
} from "../days.ts";
import { numberToDecimalString } from "../decimal.ts";
import { type BeforeRequest, type RetryOptions, requestJson } from "../http.ts";
import { parseResponse } from "../parse.ts";
import type { CostLine, CostPagesInput, CostsClient } from "../types.ts";
import { mapActivity } from "./mapping.ts";
import { activityResponseSchema, creditsResponseSchema } from "./schemas.ts";

const provider = "openrouter";
const providerName = "OpenRouter";
/** The activity endpoint serves the last 30 completed UTC days. */
export const openrouterActivityDays = 30;

export interface OpenRouterCostsClientOptions {
  /** Management (provisioning) API key, sent as a Bearer token. Never logged or put in error messages. */
  apiKey: string;
  /** Site origin, without the /api/v1 path. (Default: https://openrouter.ai) */
  baseUrl?: string;
  /** Per-request timeout in milliseconds. (Default: 30000) */
  timeoutMs?: number;
  /** In-call retries for transient failures. (Default: 3 attempts, 2000 ms base delay) */
  retry?: RetryOptions;
  /** Awaited before every HTTP request, retries included, e.g. to pace calls. (Default: none) */
  beforeRequest?: BeforeRequest;
  /** Clock used to work out which days the activity endpoint can serve. (Default: the system clock) */
  now?: () => Date;
}

export interface OpenRouterCredits {
  /** USD bought, as a decimal string. */
  totalCredits: string;
  /** USD spent, as a decimal string. */
  totalUsage: string;
}

export interface OpenRouterCostsClient extends CostsClient {
  /** GET /api/v1/credits: the account's credit balance. */
  credits(input?: { signal?: AbortSignal }): Promise<OpenRouterCredits>;
}

export const openrouterDefaultBaseUrl = "https://openrouter.ai";

/**
 * Client for GET /api/v1/activity (per day, per model usage) and GET /api/v1/credits.
 * `pages()` yields one page per UTC day. OpenRouter only serves the last 30 completed days, so days
 * before that and today (not completed yet) are skipped without a request; today's cost arrives
 * with the first sync after midnight UTC.
 */
export function createOpenRouterCostsClient(options: OpenRouterCostsClientOptions): OpenRouterCostsClient {
  const base = (options.baseUrl ?? openrouterDefaultBaseUrl).replace(/\/+$/, "");
  const now = options.now ?? (() => new Date());

  function get(path: string, signal: AbortSignal | undefined): Promise<unknown> {
    return requestJson({
      provider,
      providerName,
      credentialName: "API key",
      url: `${base}/api/v1/${path}`,
      headers: { authorization: `Bearer ${options.apiKey}` },
      secrets: [options.apiKey],
      ...(signal === undefined ? {} : { signal }),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      ...(options.retry === undefined ? {} : { retry: options.retry }),
      ...(options.beforeRequest === undefined ? {} : { beforeRequest: options.beforeRequest }),
    });
  }

  async function* pages(input: CostPagesInput): AsyncGenerator<CostLine[]> {
    dayToUnixSeconds(input.startDay, "startDay");
    const endDay = input.endDay ?? tomorrowUtc(now());
    dayToUnixSeconds(endDay, "endDay");
    const today = todayUtc(now());
    const oldest = addDays(today, -openrouterActivityDays);
    const from = laterDay(input.startDay, oldest);
    const to = earlierDay(endDay, today);

    for (const day of daysBetween(from, to)) {
      const body = await get(`activity?date=${day}`, input.signal);
      const activity = parseResponse(activityResponseSchema, body, {
        provider,
        providerName,
        what: "activity",
      });
      yield mapActivity(activity.data.filter((item) => item.date.slice(0, 10) === day));
    }
  }

  async function credits(input: { signal?: AbortSignal } = {}): Promise<OpenRouterCredits> {
    const body = await get("credits", input.signal);
    const { data } = parseResponse(creditsResponseSchema, body, { provider, providerName, what: "credits" });
    return {
      totalCredits: numberToDecimalString(data.total_credits),
      totalUsage: numberToDecimalString(data.total_usage),
    };
  }

  return { pages, credits };
}

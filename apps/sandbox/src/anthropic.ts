import type { ServerResponse } from "node:http";
import type { ProviderRequestContext } from "./context.ts";
import { dayMs, firstDataDayMs, maskKey, seeded, todayStartMs } from "./keys.ts";
import { sendJson, sendMalformed } from "./respond.ts";

const adminKeyPattern = /^sk-ant-admin01-[A-Za-z0-9_-]{8,}$/;
const revokedPrefix = "sk-ant-admin01-revoked";
const defaultLimit = 7;
const maxLimit = 31;

/** What the cost report lists with group_by[]=description. */
const costItems = [
  {
    description: "Claude Sonnet 4 Usage - Input Tokens",
    cost_type: "tokens",
    model: "claude-sonnet-4-20250514",
    token_type: "uncached_input_tokens",
  },
  {
    description: "Claude Sonnet 4 Usage - Output Tokens",
    cost_type: "tokens",
    model: "claude-sonnet-4-20250514",
    token_type: "output_tokens",
  },
  {
    description: "Claude Sonnet 4 Usage - Cache Read",
    cost_type: "tokens",
    model: "claude-sonnet-4-20250514",
    token_type: "cache_read_input_tokens",
  },
  {
    description: "Claude Haiku 3.5 Usage - Input Tokens",
    cost_type: "tokens",
    model: "claude-3-5-haiku-20241022",
    token_type: "uncached_input_tokens",
  },
  {
    description: "Claude Haiku 3.5 Usage - Output Tokens",
    cost_type: "tokens",
    model: "claude-3-5-haiku-20241022",
    token_type: "output_tokens",
  },
  { description: "Web Search Usage", cost_type: "web_search", model: null, token_type: null },
  { description: "Code Execution Usage", cost_type: "code_execution", model: null, token_type: null },
] as const;

/** Anthropic's error envelope: `{ type: "error", error: { type, message } }`. */
export function anthropicError(
  res: ServerResponse,
  status: number,
  type: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, { type: "error", error: { type, message } }, headers);
}

/** GET /anthropic/v1/organizations/cost_report */
export async function handleAnthropicCostReport(ctx: ProviderRequestContext): Promise<void> {
  const { req, res, url, faults } = ctx;
  const header = req.headers["x-api-key"];
  const key = (Array.isArray(header) ? header[0] : header)?.trim() ?? "";
  faults.countRequest(key);

  const cursor = url.searchParams.get("page");
  const fault = faults.take(key, cursor !== null);
  switch (fault?.kind) {
    case "timeout":
      return ctx.hold(res);
    case "5xx":
      return fault.status === 529
        ? anthropicError(res, 529, "overloaded_error", "Overloaded")
        : anthropicError(res, fault.status, "api_error", "Internal server error");
    case "429":
      faults.countThrottled(key);
      return anthropicError(
        res,
        429,
        "rate_limit_error",
        "This request would exceed your organization's rate limit. Please try again later.",
        { "retry-after": String(fault.retryAfterSeconds) },
      );
    case "latency":
      await ctx.sleep(fault.latencyMs);
      break;
  }

  if (!key) return anthropicError(res, 401, "authentication_error", "x-api-key header is required");
  if (!adminKeyPattern.test(key) || key.startsWith(revokedPrefix)) {
    return anthropicError(res, 401, "authentication_error", `invalid x-api-key: ${maskKey(key)}`);
  }
  if (!req.headers["anthropic-version"]) {
    return anthropicError(res, 400, "invalid_request_error", "anthropic-version: header is required");
  }

  const verdict = ctx.limits.take("anthropic", key);
  if (!verdict.ok) {
    faults.countThrottled(key);
    return anthropicError(
      res,
      429,
      "rate_limit_error",
      "This request would exceed your organization's rate limit. Please try again later.",
      { "retry-after": String(verdict.retryAfterSeconds) },
    );
  }

  const query = parseQuery(url.searchParams);
  if ("error" in query) return anthropicError(res, 400, "invalid_request_error", query.error);
  const { startMs, endMs, limit, byDescription } = query;
  // Live answer when no complete daily bucket falls in the range (today's bucket is never complete):
  // constructorfabric/insight#1901, langwatch/langwatch#7177. Not retryable, as the header says.
  if (startMs + dayMs > endMs) {
    return anthropicError(
      res,
      400,
      "invalid_request_error",
      "Invalid date range: ending date must be after starting date",
      { "x-should-retry": "false" },
    );
  }

  let from = startMs;
  if (cursor !== null) {
    const decoded = decodeCursor(cursor);
    if (decoded === undefined || decoded < startMs || decoded >= endMs) {
      return anthropicError(res, 400, "invalid_request_error", `page: invalid page token '${cursor}'`);
    }
    from = decoded;
  }

  const data = [];
  let bucket = from;
  // Complete buckets that end on or before ending_at.
  while (bucket + dayMs <= endMs && data.length < limit) {
    const hasData = bucket >= firstDataDayMs;
    data.push({
      starting_at: rfc3339(bucket),
      ending_at: rfc3339(bucket + dayMs),
      results: hasData ? costResults(key, bucket, byDescription) : [],
    });
    bucket += dayMs;
  }
  const hasMore = bucket + dayMs <= endMs;
  let nextPage = hasMore ? encodeCursor(bucket) : null;
  if (fault?.kind === "repeat-page" && cursor !== null) nextPage = cursor;
  const body = { data, has_more: nextPage !== null, next_page: nextPage };

  if (fault?.kind === "malformed") return sendMalformed(res, body);
  sendJson(res, 200, body);
}

type ParsedQuery =
  | { startMs: number; endMs: number; limit: number; byDescription: boolean }
  | { error: string };

function parseQuery(params: URLSearchParams): ParsedQuery {
  const rawStart = params.get("starting_at");
  if (rawStart === null) return { error: "starting_at: Field required" };
  const start = parseRfc3339(rawStart);
  if (start === undefined)
    return { error: `starting_at: Input should be a valid RFC 3339 datetime, got '${rawStart}'` };
  // "Time buckets that start on or after starting_at": the first bucket is the next UTC midnight.
  const startMs = Math.ceil(start / dayMs) * dayMs;

  const rawEnd = params.get("ending_at");
  const askedEnd = rawEnd === null ? Date.now() : parseRfc3339(rawEnd);
  if (askedEnd === undefined) {
    return { error: `ending_at: Input should be a valid RFC 3339 datetime, got '${rawEnd}'` };
  }
  // "Time buckets that end before ending_at", and only complete ones: nothing past today's midnight.
  const endMs = Math.min(Math.floor(askedEnd / dayMs) * dayMs, todayStartMs());

  const bucketWidth = params.get("bucket_width");
  if (bucketWidth !== null && bucketWidth !== "1d") {
    return { error: `bucket_width: Input should be '1d', got '${bucketWidth}'` };
  }

  const rawLimit = params.get("limit");
  const limit = rawLimit === null ? defaultLimit : /^\d{1,4}$/.test(rawLimit) ? Number(rawLimit) : Number.NaN;
  if (!Number.isInteger(limit) || limit < 1 || limit > maxLimit) {
    return { error: `limit: Input should be an integer from 1 to ${maxLimit}, got '${rawLimit}'` };
  }

  const groupBy = [...params.getAll("group_by[]"), ...params.getAll("group_by")];
  for (const group of groupBy) {
    if (group !== "workspace_id" && group !== "description") {
      return { error: `group_by[]: Input should be 'workspace_id' or 'description', got '${group}'` };
    }
  }
  return { startMs, endMs, limit, byDescription: groupBy.includes("description") };
}

/** Deterministic per (key, day): 1 to 4 cost items, amounts in cents with up to 4 decimals. */
export function anthropicDailyCosts(
  key: string,
  dayStartMs: number,
): { item: (typeof costItems)[number]; centsTenThousandths: number }[] {
  const day = new Date(dayStartMs).toISOString().slice(0, 10);
  const count = 1 + seeded(`anthropic|${key}|${day}|count`, 4);
  const first = seeded(`anthropic|${key}|${day}|first`, costItems.length);
  const costs = [];
  for (let i = 0; i < count; i++) {
    const item = costItems[(first + i) % costItems.length]!;
    const centsTenThousandths = 1 + seeded(`anthropic|${key}|${day}|${item.description}`, 250_000_000);
    costs.push({ item, centsTenThousandths });
  }
  return costs;
}

function costResults(key: string, dayStartMs: number, byDescription: boolean) {
  const costs = anthropicDailyCosts(key, dayStartMs);
  const base = { currency: "USD", workspace_id: null, inference_geo: null };
  if (!byDescription) {
    const total = costs.reduce((sum, cost) => sum + cost.centsTenThousandths, 0);
    return [
      {
        ...base,
        amount: centsString(total),
        description: null,
        cost_type: null,
        context_window: null,
        model: null,
        service_tier: null,
        token_type: null,
      },
    ];
  }
  return costs.map(({ item, centsTenThousandths }) => ({
    ...base,
    amount: centsString(centsTenThousandths),
    description: item.description,
    cost_type: item.cost_type,
    context_window: item.cost_type === "tokens" ? "0-200k" : null,
    model: item.model,
    service_tier: item.cost_type === "tokens" ? "standard" : null,
    token_type: item.token_type,
  }));
}

/** Cents as Anthropic prints them: a decimal string, e.g. 1234500 ten-thousandths -> "123.45". */
function centsString(tenThousandths: number): string {
  const whole = Math.floor(tenThousandths / 10_000);
  const fraction = String(tenThousandths % 10_000)
    .padStart(4, "0")
    .replace(/0+$/, "");
  return fraction ? `${whole}.${fraction}` : String(whole);
}

function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.000Z$/, "Z");
}

function parseRfc3339(value: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

function encodeCursor(bucketMs: number): string {
  return `page_${Buffer.from(JSON.stringify({ from: bucketMs })).toString("base64url")}`;
}

function decodeCursor(cursor: string): number | undefined {
  if (!cursor.startsWith("page_")) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor.slice(5), "base64url").toString("utf8"));
    const from = (value as { from?: unknown } | null)?.from;
    return typeof from === "number" && Number.isInteger(from) && from % dayMs === 0 ? from : undefined;
  } catch {
    return undefined;
  }
}

import type { ProviderRequestContext } from "./context.ts";
import { bearerToken, maskKey, seeded, sha256 } from "./keys.ts";
import { openaiError, sendJson, sendMalformed } from "./respond.ts";

const adminKeyPattern = /^sk-admin-[A-Za-z0-9_-]{8,}$/;
const revokedPrefix = "sk-admin-revoked";
const lineItems = [
  "gpt-4o, input",
  "gpt-4o, output",
  "gpt-4o-mini, input",
  "gpt-4o-mini, output",
  "text-embedding-3-small",
  "o3, input",
  "o3, output",
];
const firstDataDay = Date.UTC(2024, 0, 1) / 1000;
const daySeconds = 86_400;
const defaultLimit = 7;
const maxLimit = 180;

/** GET /openai/v1/organization/costs */
export async function handleOpenAICosts(ctx: ProviderRequestContext): Promise<void> {
  const { req, res, url, faults } = ctx;
  const key = bearerToken(req.headers.authorization) ?? "";
  faults.countRequest(key);

  const cursor = url.searchParams.get("page");
  const fault = faults.take(key, cursor !== null);
  switch (fault?.kind) {
    case "timeout":
      return ctx.hold(res);
    case "5xx":
      return openaiError(res, fault.status, {
        message: "The server had an error while processing your request. Sorry about that!",
        type: "server_error",
      });
    case "429":
      faults.countThrottled(key);
      return openaiError(
        res,
        429,
        {
          message: `Rate limit reached for requests in organization. Please try again in ${fault.retryAfterSeconds}s.`,
          type: "requests",
          code: "rate_limit_exceeded",
        },
        { "retry-after": String(fault.retryAfterSeconds) },
      );
    case "latency":
      await ctx.sleep(fault.latencyMs);
      break;
  }

  if (!key) {
    return openaiError(res, 401, {
      message:
        "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
      type: "invalid_request_error",
    });
  }
  if (!adminKeyPattern.test(key) || key.startsWith(revokedPrefix)) {
    return openaiError(res, 401, {
      message: `Incorrect API key provided: ${maskKey(key)}.`,
      type: "invalid_request_error",
      code: "invalid_api_key",
    });
  }

  const verdict = ctx.limits.take("openai", key);
  if (!verdict.ok) {
    faults.countThrottled(key);
    return openaiError(
      res,
      429,
      {
        message: `Rate limit reached for requests in organization. Please try again in ${verdict.retryAfterSeconds}s.`,
        type: "requests",
        code: "rate_limit_exceeded",
      },
      { "retry-after": String(verdict.retryAfterSeconds) },
    );
  }

  const query = parseQuery(url.searchParams);
  if ("error" in query) {
    return openaiError(res, 400, {
      message: query.error,
      type: "invalid_request_error",
      param: query.param,
      code: query.code,
    });
  }

  const { startTime, endTime, limit, byLineItem, byProject } = query;
  let from = startTime;
  if (cursor !== null) {
    const decoded = decodeCursor(cursor);
    if (decoded === undefined || decoded < startTime || decoded >= endTime) {
      return openaiError(res, 400, {
        message: `Invalid page cursor: '${cursor}'.`,
        type: "invalid_request_error",
        param: "page",
        code: "invalid_value",
      });
    }
    from = decoded;
  }

  const todayEnd = Math.floor(Date.now() / 1000 / daySeconds) * daySeconds + daySeconds;
  const data = [];
  let bucketStart = from;
  while (bucketStart < endTime && data.length < limit) {
    const hasData = bucketStart >= firstDataDay && bucketStart < todayEnd;
    const results = hasData ? costResults(key, bucketStart, byLineItem, byProject) : [];
    data.push({ object: "bucket", start_time: bucketStart, end_time: bucketStart + daySeconds, results });
    bucketStart += daySeconds;
  }
  const hasMore = bucketStart < endTime;
  let nextPage = hasMore ? encodeCursor(bucketStart) : null;
  if (fault?.kind === "repeat-page" && cursor !== null) nextPage = cursor;
  const page = { object: "page", data, has_more: nextPage !== null, next_page: nextPage };

  if (fault?.kind === "malformed") return sendMalformed(res, page);
  sendJson(res, 200, page);
}

type ParsedQuery =
  | { startTime: number; endTime: number; limit: number; byLineItem: boolean; byProject: boolean }
  | { error: string; param: string; code: string };

function parseQuery(params: URLSearchParams): ParsedQuery {
  const rawStart = params.get("start_time");
  if (rawStart === null) {
    return {
      error: "Missing required parameter: 'start_time'.",
      param: "start_time",
      code: "missing_required_parameter",
    };
  }
  const startRaw = parseInteger(rawStart);
  if (startRaw === undefined || startRaw < 0)
    return invalid("start_time", rawStart, "a unix timestamp in seconds");

  const rawEnd = params.get("end_time");
  const endTime = rawEnd === null ? Math.floor(Date.now() / 1000) : parseInteger(rawEnd);
  if (endTime === undefined || endTime <= startRaw) {
    return invalid("end_time", rawEnd ?? "", "a unix timestamp in seconds after start_time");
  }

  const bucketWidth = params.get("bucket_width");
  if (bucketWidth !== null && bucketWidth !== "1d") return invalid("bucket_width", bucketWidth, "'1d'");

  const rawLimit = params.get("limit");
  const limit = rawLimit === null ? defaultLimit : parseInteger(rawLimit);
  if (limit === undefined || limit < 1 || limit > maxLimit) {
    return invalid("limit", rawLimit ?? "", `an integer from 1 to ${maxLimit}`);
  }

  // The real API accepts both group_by=a,b and group_by=a&group_by=b.
  const groupBy = params.getAll("group_by").flatMap((value) => value.split(","));
  for (const group of groupBy) {
    if (group !== "line_item" && group !== "project_id") {
      return invalid("group_by", group, "'line_item' or 'project_id'");
    }
  }

  return {
    // Buckets start at UTC midnight, whatever second start_time names.
    startTime: Math.floor(startRaw / daySeconds) * daySeconds,
    endTime,
    limit,
    byLineItem: groupBy.includes("line_item"),
    byProject: groupBy.includes("project_id"),
  };
}

function invalid(param: string, value: string, expected: string) {
  return {
    error: `Invalid value for '${param}': '${value}'. Expected ${expected}.`,
    param,
    code: "invalid_value",
  };
}

function parseInteger(value: string): number | undefined {
  return /^\d{1,12}$/.test(value) ? Number(value) : undefined;
}

/** Deterministic per (key, day): 1 to 4 line items with amounts in millionths of a dollar. */
export function dailyCosts(key: string, dayStart: number): { lineItem: string; micros: number }[] {
  const day = new Date(dayStart * 1000).toISOString().slice(0, 10);
  const seed = sha256(`${key}|${day}`);
  const count = 1 + (seed[0]! % 4);
  const first = seed[1]! % lineItems.length;
  const costs = [];
  for (let i = 0; i < count; i++) {
    const lineItem = lineItems[(first + i) % lineItems.length]!;
    const micros = 1 + (sha256(`${key}|${day}|${lineItem}`).readUInt32BE(0) % 25_000_000);
    costs.push({ lineItem, micros });
  }
  return costs;
}

/**
 * The spec documents `amount.value` as a number, but live answers carry it as a decimal string for
 * some organizations (steipete/CodexBar#999: `"value": "12.50"`; superplanehq/superplane#5873). The
 * sandbox answers strings for half of all keys (by hash), always for keys starting
 * `sk-admin-str-` and never for keys starting `sk-admin-num-`.
 */
export function answersAmountsAsStrings(key: string): boolean {
  if (key.startsWith("sk-admin-str-")) return true;
  if (key.startsWith("sk-admin-num-")) return false;
  return seeded(`openai|${key}|amount-type`, 2) === 1;
}

/**
 * A string amount as such an organization gets it: the micros plus two more digits (8 decimals, the
 * scale synchub stores) and at least two decimals, as in the live "12.50".
 */
export function stringAmount(key: string, dayStart: number, lineItem: string | null, micros: number): string {
  const extra = String(seeded(`openai|${key}|${dayStart}|${lineItem}|extra`, 100)).padStart(2, "0");
  const whole = Math.floor(micros / 1_000_000);
  const fraction = `${String(micros % 1_000_000).padStart(6, "0")}${extra}`.replace(/0+$/, "").padEnd(2, "0");
  return `${whole}.${fraction}`;
}

function costResults(key: string, dayStart: number, byLineItem: boolean, byProject: boolean) {
  const projectId = byProject ? "proj_sandbox" : null;
  const costs = dailyCosts(key, dayStart);
  const asStrings = answersAmountsAsStrings(key);
  const result = (micros: number, lineItem: string | null) => ({
    object: "organization.costs.result",
    amount: {
      // Dividing integer micros by 1e6 prints back as the exact decimal (at most 6 places).
      value: asStrings ? stringAmount(key, dayStart, lineItem, micros) : micros / 1_000_000,
      currency: "usd",
    },
    line_item: lineItem,
    project_id: projectId,
  });
  if (byLineItem) return costs.map((cost) => result(cost.micros, cost.lineItem));
  return [
    result(
      costs.reduce((sum, cost) => sum + cost.micros, 0),
      null,
    ),
  ];
}

function encodeCursor(bucketStart: number): string {
  return `page_${Buffer.from(JSON.stringify({ from: bucketStart })).toString("base64url")}`;
}

function decodeCursor(cursor: string): number | undefined {
  if (!cursor.startsWith("page_")) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor.slice(5), "base64url").toString("utf8"));
    const from = (value as { from?: unknown } | null)?.from;
    return typeof from === "number" && Number.isInteger(from) && from % daySeconds === 0 ? from : undefined;
  } catch {
    return undefined;
  }
}

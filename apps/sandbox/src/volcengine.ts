import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { ServerResponse } from "node:http";
import type { ProviderRequestContext } from "./context.ts";
import { dayMs, firstDataDayMs, seeded, todayStartMs, utcDay } from "./keys.ts";
import { readBody, sendJson, sendMalformed } from "./respond.ts";

const accessKeyPattern = /^AKLT[A-Za-z0-9_-]{8,}$/;
const revokedPrefix = "AKLTrevoked";
const maxSkewMs = 15 * 60_000;
const maxLimit = 300;

const billingItems = [
  {
    Product: "ark",
    ProductZh: "火山方舟",
    Element: "doubao-1.5-pro-32k 输入tokens",
    ElementCode: "input_tokens",
  },
  {
    Product: "ark",
    ProductZh: "火山方舟",
    Element: "doubao-1.5-pro-32k 输出tokens",
    ElementCode: "output_tokens",
  },
  { Product: "ark", ProductZh: "火山方舟", Element: "deepseek-v3 输入tokens", ElementCode: "input_tokens" },
  { Product: "ark", ProductZh: "火山方舟", Element: "deepseek-v3 输出tokens", ElementCode: "output_tokens" },
  { Product: "ECS", ProductZh: "云服务器", Element: "实例", ElementCode: "instance" },
  { Product: "volume", ProductZh: "弹性块存储", Element: "容量", ElementCode: "capacity" },
] as const;

/**
 * The secret the sandbox holds for an access key id, so tests and demo seeds can sign requests:
 * hex sha256 of "sandbox-secret:" + access key id.
 */
export function sandboxVolcengineSecretFor(accessKeyId: string): string {
  return createHash("sha256").update(`sandbox-secret:${accessKeyId}`).digest("hex");
}

const errorCodes = {
  MissingAuthenticationToken: { status: 401, codeN: 100003 },
  InvalidAuthorization: { status: 400, codeN: 100004 },
  MissingRequestInfo: { status: 400, codeN: 100004 },
  InvalidCredential: { status: 400, codeN: 100005 },
  InvalidTimestamp: { status: 400, codeN: 100006 },
  InvalidActionOrVersion: { status: 404, codeN: 100008 },
  InvalidAccessKey: { status: 401, codeN: 100009 },
  SignatureDoesNotMatch: { status: 401, codeN: 100010 },
  InternalError: { status: 500, codeN: 100014 },
  FlowLimitExceeded: { status: 429, codeN: 100018 },
  RequestInvalid: { status: 400, codeN: 100001 },
} as const;
type ErrorCode = keyof typeof errorCodes;

function metadata(action: string | null) {
  return {
    RequestId: `sandbox${Date.now()}`,
    Action: action ?? "",
    Version: "2022-01-01",
    Service: "billing",
    Region: "cn-north-1",
  };
}

/** Volcano Engine's envelope: `{ ResponseMetadata: { ..., Error: { CodeN, Code, Message } } }`. */
export function volcengineError(
  res: ServerResponse,
  code: ErrorCode,
  message: string,
  options: { action?: string | null; status?: number; headers?: Record<string, string> } = {},
): void {
  const { status, codeN } = errorCodes[code];
  sendJson(
    res,
    options.status ?? status,
    {
      ResponseMetadata: {
        ...metadata(options.action ?? null),
        Error: { CodeN: codeN, Code: code, Message: message },
      },
    },
    options.headers,
  );
}

const signatureMismatch =
  "The request signature we calculated does not match the signature you provided. Check your Secret Access Key and signing method. Consult the service documentation for details.";

/** POST (JSON body) or GET (query) /volcengine/?Action=ListBillDetail&Version=2022-01-01 */
export async function handleVolcengine(ctx: ProviderRequestContext): Promise<void> {
  const { req, res, url, faults } = ctx;
  const action = url.searchParams.get("Action");
  const body = await readBody(req);

  const authorization = req.headers.authorization;
  if (!authorization) {
    faults.countRequest("");
    return volcengineError(res, "MissingAuthenticationToken", "Request is missing Authentication Token", {
      action,
    });
  }
  const auth = parseAuthorization(authorization);
  const key = auth?.accessKeyId ?? "";
  faults.countRequest(key);

  const params = readParams(url, body);
  const offsetParam = params.Offset;
  const fault = faults.take(key, typeof offsetParam === "number" && offsetParam > 0);
  switch (fault?.kind) {
    case "timeout":
      return ctx.hold(res);
    case "5xx":
      return volcengineError(
        res,
        "InternalError",
        "Service has some internal Error. Pls Contact With Admin.",
        {
          action,
          status: fault.status,
        },
      );
    case "429":
      faults.countThrottled(key);
      return volcengineError(
        res,
        "FlowLimitExceeded",
        "Request has reached API flow limit. Please try again later.",
        {
          action,
          headers: { "retry-after": String(fault.retryAfterSeconds) },
        },
      );
    case "latency":
      await ctx.sleep(fault.latencyMs);
      break;
  }

  if (!auth) {
    return volcengineError(
      res,
      "InvalidAuthorization",
      "Invalid 'Authorization' header, Pls check authorization header.",
      {
        action,
      },
    );
  }
  if (auth.service !== "billing" || auth.terminator !== "request") {
    return volcengineError(
      res,
      "InvalidCredential",
      "Invalid credential in 'Authorization', Pls check credential in authorization header.",
      {
        action,
      },
    );
  }
  if (!accessKeyPattern.test(auth.accessKeyId) || auth.accessKeyId.startsWith(revokedPrefix)) {
    return volcengineError(
      res,
      "InvalidAccessKey",
      `The accesskey [${auth.accessKeyId}] included in the request is invalid.`,
      {
        action,
      },
    );
  }

  const xDate = header(req.headers["x-date"]);
  if (!xDate)
    return volcengineError(res, "MissingRequestInfo", "The request is missing X-Date information.", {
      action,
    });
  const signedAt = parseXDate(xDate);
  if (signedAt === undefined || Math.abs(Date.now() - signedAt) > maxSkewMs) {
    return volcengineError(res, "InvalidTimestamp", "The Signature of the request is expired.", { action });
  }

  const expected = expectedSignature(ctx, auth, body, xDate);
  const given = Buffer.from(auth.signature, "hex");
  if (
    auth.date !== xDate.slice(0, 8) ||
    expected === undefined ||
    given.length !== expected.length ||
    !timingSafeEqual(given, expected)
  ) {
    return volcengineError(res, "SignatureDoesNotMatch", signatureMismatch, { action });
  }

  const verdict = ctx.limits.take("volcengine", key);
  if (!verdict.ok) {
    faults.countThrottled(key);
    return volcengineError(
      res,
      "FlowLimitExceeded",
      "Request has reached API flow limit. Please try again later.",
      {
        action,
        headers: { "retry-after": String(verdict.retryAfterSeconds) },
      },
    );
  }

  if (action !== "ListBillDetail" || url.searchParams.get("Version") !== "2022-01-01") {
    return volcengineError(
      res,
      "InvalidActionOrVersion",
      `Could not find operation ${action ?? ""} for version ${url.searchParams.get("Version") ?? ""}.`,
      { action },
    );
  }

  const query = parseListBillDetail(params);
  if ("error" in query)
    return volcengineError(res, "RequestInvalid", `Request Invalid: ${query.error}`, { action });

  const rows = billRows(key, query);
  let offset = query.offset;
  // repeat-page: answer a later page with the previous one, as a provider with an unstable sort would.
  if (fault?.kind === "repeat-page") offset = Math.max(0, offset - query.limit);
  const result = {
    List: rows.slice(offset, offset + query.limit),
    Total: query.needRecordNum ? rows.length : -1,
    Limit: query.limit,
    Offset: offset,
  };
  const payload = { ResponseMetadata: metadata(action), Result: result };
  if (fault?.kind === "malformed") return sendMalformed(res, payload);
  sendJson(res, 200, payload);
}

interface ParsedAuthorization {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  terminator: string;
  signedHeaders: string[];
  signature: string;
}

function parseAuthorization(value: string): ParsedAuthorization | undefined {
  const match =
    /^HMAC-SHA256\s+Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/([^/,\s]+)\s*,\s*SignedHeaders=([a-z0-9;-]+)\s*,\s*Signature=([0-9a-f]{64})\s*$/i.exec(
      value.trim(),
    );
  if (!match) return undefined;
  const [, accessKeyId, date, region, service, terminator, signedHeaders, signature] = match;
  return {
    accessKeyId: accessKeyId!,
    date: date!,
    region: region!,
    service: service!,
    terminator: terminator!,
    signedHeaders: signedHeaders!.toLowerCase().split(";"),
    signature: signature!.toLowerCase(),
  };
}

/**
 * Recomputes the signature from the request as received: canonical request (method, path, sorted
 * RFC 3986 query, signed headers, body hash), string to sign, and the HMAC chain
 * secret -> date -> region -> service -> "request". Written independently of the connector's
 * signer so that a test passing against the sandbox means something.
 */
function expectedSignature(
  ctx: ProviderRequestContext,
  auth: ParsedAuthorization,
  body: string,
  xDate: string,
): Buffer | undefined {
  const { req } = ctx;
  const rawUrl = req.url ?? "/";
  const questionMark = rawUrl.indexOf("?");
  const path = (questionMark === -1 ? rawUrl : rawUrl.slice(0, questionMark)) || "/";
  const rawQuery = questionMark === -1 ? "" : rawUrl.slice(questionMark + 1);
  const pairs = rawQuery
    .split("&")
    .filter((part) => part !== "")
    .map((part) => {
      const eq = part.indexOf("=");
      const name = decodeQueryPart(eq === -1 ? part : part.slice(0, eq));
      const value = decodeQueryPart(eq === -1 ? "" : part.slice(eq + 1));
      return [rfc3986(name), rfc3986(value)] as const;
    })
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const canonicalQuery = pairs.map(([name, value]) => `${name}=${value}`).join("&");

  const bodyHash = createHash("sha256").update(body).digest("hex");
  // The official SDKs sign only x-date, and x-content-sha256 when there is a body; host is optional
  // (the docs' example signs it, @volcengine/openapi does not), and the gateway takes either.
  if (!auth.signedHeaders.includes("x-date")) return undefined;
  const headerLines: string[] = [];
  for (const name of auth.signedHeaders) {
    const value = header(req.headers[name]);
    if (value === undefined) return undefined;
    // A signed body hash must be the hash of the body that arrived.
    if (name === "x-content-sha256" && value.trim().toLowerCase() !== bodyHash) return undefined;
    headerLines.push(`${name}:${value.trim().replace(/\s+/g, " ")}\n`);
  }

  const canonicalRequest = [
    (req.method ?? "GET").toUpperCase(),
    path,
    canonicalQuery,
    headerLines.join(""),
    auth.signedHeaders.join(";"),
    bodyHash,
  ].join("\n");
  const scope = `${auth.date}/${auth.region}/${auth.service}/request`;
  const stringToSign = [
    "HMAC-SHA256",
    xDate,
    scope,
    createHash("sha256").update(canonicalRequest).digest("hex"),
  ].join("\n");
  let signingKey: Buffer = Buffer.from(sandboxVolcengineSecretFor(auth.accessKeyId), "utf8");
  for (const part of [auth.date, auth.region, auth.service, "request"]) {
    signingKey = createHmac("sha256", signingKey).update(part).digest();
  }
  return createHmac("sha256", signingKey).update(stringToSign).digest();
}

function decodeQueryPart(part: string): string {
  try {
    return decodeURIComponent(part.replace(/\+/g, " "));
  } catch {
    return part;
  }
}

function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function header(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(",") : value;
}

function parseXDate(value: string): number | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number);
  return Date.UTC(y!, mo! - 1, d!, h!, mi!, s!);
}

/** The API takes its parameters as a JSON body (POST) or in the query (GET). */
function readParams(url: URL, body: string): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const [name, value] of url.searchParams) {
    if (name !== "Action" && name !== "Version") params[name] = /^\d+$/.test(value) ? Number(value) : value;
  }
  if (body.trim() !== "") {
    try {
      const parsed: unknown = JSON.parse(body);
      if (typeof parsed === "object" && parsed !== null) Object.assign(params, parsed);
    } catch {
      params.__invalidBody = true;
    }
  }
  return params;
}

interface ListBillDetailQuery {
  billPeriod: string;
  expenseDate: string | undefined;
  groupPeriod: 0 | 1 | 2;
  limit: number;
  offset: number;
  needRecordNum: boolean;
}

function parseListBillDetail(params: Record<string, unknown>): ListBillDetailQuery | { error: string } {
  if (params.__invalidBody) return { error: "the body is not valid JSON" };
  const { Limit, Offset = 0, BillPeriod, ExpenseDate, GroupPeriod = 0, NeedRecordNum = 0 } = params;
  if (typeof Limit !== "number" || !Number.isInteger(Limit) || Limit < 1 || Limit > maxLimit) {
    return { error: `Limit must be an integer from 1 to ${maxLimit}` };
  }
  if (typeof Offset !== "number" || !Number.isInteger(Offset) || Offset < 0) {
    return { error: "Offset must be a non-negative integer" };
  }
  if (typeof BillPeriod !== "string" || !/^\d{4}-(0[1-9]|1[0-2])$/.test(BillPeriod)) {
    return { error: "BillPeriod must be formatted YYYY-MM" };
  }
  const earliest = earliestBillPeriod();
  if (BillPeriod < earliest) {
    return {
      error: `BillPeriod ${BillPeriod} is out of range: bills can be queried for the last 24 months only, and from 2022-01 (the earliest for this account now: ${earliest})`,
    };
  }
  if (GroupPeriod !== 0 && GroupPeriod !== 1 && GroupPeriod !== 2) {
    return { error: "GroupPeriod must be 0, 1 or 2" };
  }
  if (ExpenseDate !== undefined) {
    if (typeof ExpenseDate !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(ExpenseDate)) {
      return { error: "ExpenseDate must be formatted YYYY-MM-DD" };
    }
    if (!ExpenseDate.startsWith(BillPeriod)) return { error: "ExpenseDate must be in the BillPeriod month" };
    if (GroupPeriod === 0) return { error: "ExpenseDate needs GroupPeriod 1 or 2" };
  }
  return {
    billPeriod: BillPeriod,
    expenseDate: ExpenseDate,
    groupPeriod: GroupPeriod,
    limit: Limit,
    offset: Offset,
    needRecordNum: NeedRecordNum === 1,
  };
}

/**
 * The oldest bill month ListBillDetail answers: "最多24个月；最早只能查询2022-01" (at most 24 months,
 * nothing before 2022-01; https://volcengine.com/docs/6269/1127842). Counted here as the current
 * month and the 23 before it, the stricter reading of "24 months".
 */
export function earliestBillPeriod(now: number = Date.now()): string {
  const date = new Date(now);
  const months = date.getUTCFullYear() * 12 + date.getUTCMonth() - 23;
  const period = `${Math.floor(months / 12)}-${String((months % 12) + 1).padStart(2, "0")}`;
  return period < "2022-01" ? "2022-01" : period;
}

/** Deterministic per (access key, day): 1 to 4 billing items, payable amounts in whole fen (CNY). */
export function volcengineDailyBill(accessKeyId: string, dayStartMs: number) {
  const day = utcDay(dayStartMs);
  const count = 1 + seeded(`volcengine|${accessKeyId}|${day}|count`, 4);
  const first = seeded(`volcengine|${accessKeyId}|${day}|first`, billingItems.length);
  const items = [];
  for (let i = 0; i < count; i++) {
    const item = billingItems[(first + i) % billingItems.length]!;
    const fen = 1 + seeded(`volcengine|${accessKeyId}|${day}|${item.Product}|${item.Element}`, 200_000);
    items.push({ item, fen });
  }
  return items;
}

function billRows(accessKeyId: string, query: ListBillDetailQuery) {
  const [year, month] = query.billPeriod.split("-").map(Number);
  const monthStart = Date.UTC(year!, month! - 1, 1);
  const monthEnd = Date.UTC(year!, month!, 1);
  const lastDay = Math.min(monthEnd, todayStartMs() + dayMs);
  const days: number[] = [];
  for (let day = Math.max(monthStart, firstDataDayMs); day < lastDay; day += dayMs) {
    if (query.expenseDate === undefined || utcDay(day) === query.expenseDate) days.push(day);
  }
  const row = (day: string, item: (typeof billingItems)[number], fen: number) => ({
    BillPeriod: query.billPeriod,
    ExpenseDate: day,
    PayerID: "2100000001",
    OwnerID: "2100000001",
    BusinessMode: "普通",
    Product: item.Product,
    ProductZh: item.ProductZh,
    BillingMode: "按量计费",
    BillCategory: "消费-使用",
    Element: item.Element,
    ElementCode: item.ElementCode,
    Region: "华北2（北京）",
    OriginalBillAmount: (fen / 100).toFixed(6),
    DiscountBillAmount: (fen / 100).toFixed(2),
    CouponAmount: "0.00",
    PayableAmount: (fen / 100).toFixed(2),
    Currency: "CNY",
  });

  if (query.groupPeriod === 0) {
    const totals = new Map<string, { item: (typeof billingItems)[number]; fen: number }>();
    for (const day of days) {
      for (const { item, fen } of volcengineDailyBill(accessKeyId, day)) {
        const id = `${item.Product}|${item.Element}`;
        const total = totals.get(id) ?? { item, fen: 0 };
        total.fen += fen;
        totals.set(id, total);
      }
    }
    return [...totals.values()].map(({ item, fen }) => row("", item, fen));
  }
  return days.flatMap((day) =>
    volcengineDailyBill(accessKeyId, day).map(({ item, fen }) => row(utcDay(day), item, fen)),
  );
}

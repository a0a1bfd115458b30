import type { ServerResponse } from "node:http";
import type { ProviderRequestContext } from "./context.ts";
import { bearerToken, dayMs, firstDataDayMs, seeded, sha256, todayStartMs, utcDay } from "./keys.ts";
import { sendJson, sendMalformed } from "./respond.ts";

const keyPattern = /^sk-or-v1-[A-Za-z0-9_-]{8,}$/;
const revokedPrefix = "sk-or-v1-revoked";
/** Keys with this prefix stand for ordinary inference keys, which the management endpoints refuse. */
const inferencePrefix = "sk-or-v1-inference";
/** The activity endpoint serves the last 30 completed UTC days. */
const activityDays = 30;

const models = [
  { model: "openai/gpt-4.1", permaslug: "openai/gpt-4.1-2025-04-14", providers: ["OpenAI", "Azure"] },
  {
    model: "anthropic/claude-sonnet-4",
    permaslug: "anthropic/claude-4-sonnet-20250522",
    providers: ["Anthropic"],
  },
  {
    model: "google/gemini-2.5-flash",
    permaslug: "google/gemini-2.5-flash",
    providers: ["Google", "Google AI Studio"],
  },
  {
    model: "deepseek/deepseek-chat-v3",
    permaslug: "deepseek/deepseek-chat-v3-0324",
    providers: ["DeepInfra"],
  },
  {
    model: "meta-llama/llama-3.3-70b-instruct",
    permaslug: "meta-llama/llama-3.3-70b-instruct",
    providers: ["Groq"],
  },
] as const;

/** OpenRouter's error envelope: `{ error: { code: <status>, message } }`. */
export function openrouterError(
  res: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, { error: { code: status, message } }, headers);
}

/** GET /openrouter/api/v1/credits and GET /openrouter/api/v1/activity */
export async function handleOpenRouter(ctx: ProviderRequestContext, endpoint: "credits" | "activity") {
  const { req, res, url, faults } = ctx;
  const key = bearerToken(req.headers.authorization) ?? "";
  faults.countRequest(key);

  // Neither endpoint pages, so a repeat-page fault has nothing to repeat and stays queued.
  const fault = faults.take(key, false);
  switch (fault?.kind) {
    case "timeout":
      return ctx.hold(res);
    case "5xx":
      return openrouterError(res, fault.status, "Internal Server Error");
    case "429":
      faults.countThrottled(key);
      return openrouterError(res, 429, "Rate limit exceeded", {
        "retry-after": String(fault.retryAfterSeconds),
      });
    case "latency":
      await ctx.sleep(fault.latencyMs);
      break;
  }

  if (!key) return openrouterError(res, 401, "No auth credentials found");
  if (!keyPattern.test(key) || key.startsWith(revokedPrefix)) {
    return openrouterError(res, 401, "User not found.");
  }
  if (key.startsWith(inferencePrefix)) {
    return openrouterError(res, 403, "Only management keys can perform this operation");
  }

  const verdict = ctx.limits.take("openrouter", key);
  if (!verdict.ok) {
    faults.countThrottled(key);
    return openrouterError(res, 429, "Rate limit exceeded", {
      "retry-after": String(verdict.retryAfterSeconds),
    });
  }

  let body: unknown;
  if (endpoint === "credits") {
    const usageMicros = seeded(`openrouter|${key}|usage`, 500_000_000);
    const creditsMicros = usageMicros + seeded(`openrouter|${key}|credits`, 500_000_000);
    body = { data: { total_credits: creditsMicros / 1_000_000, total_usage: usageMicros / 1_000_000 } };
  } else {
    const today = todayStartMs();
    const oldest = today - activityDays * dayMs;
    const rawDate = url.searchParams.get("date");
    let days: number[];
    if (rawDate === null) {
      days = Array.from({ length: activityDays }, (_, i) => oldest + i * dayMs);
    } else {
      const day = parseDay(rawDate);
      if (day === undefined) return openrouterError(res, 400, "Invalid date format. Use YYYY-MM-DD.");
      if (day < oldest || day >= today) {
        return openrouterError(res, 400, "Date must be within the last 30 (completed) UTC days.");
      }
      days = [day];
    }
    body = { data: days.flatMap((day) => openrouterActivity(key, day)) };
  }

  if (fault?.kind === "malformed") return sendMalformed(res, body);
  sendJson(res, 200, body);
}

/**
 * Deterministic per (key, day): 1 to 4 models, each served by one or two endpoints (rows are per
 * endpoint, so a client must sum per model). Usage is USD with at most 6 decimals.
 */
export function openrouterActivity(key: string, dayStartMs: number) {
  if (dayStartMs < firstDataDayMs) return [];
  const date = utcDay(dayStartMs);
  const count = 1 + seeded(`openrouter|${key}|${date}|count`, 4);
  const first = seeded(`openrouter|${key}|${date}|first`, models.length);
  const rows = [];
  for (let i = 0; i < count; i++) {
    const entry = models[(first + i) % models.length]!;
    for (const provider of entry.providers) {
      const seed = `openrouter|${key}|${date}|${entry.model}|${provider}`;
      const promptTokens = 1 + seeded(`${seed}|prompt`, 2_000_000);
      const completionTokens = seeded(`${seed}|completion`, 500_000);
      rows.push({
        date,
        model: entry.model,
        model_permaslug: entry.permaslug,
        endpoint_id: endpointId(entry.model, provider),
        provider_name: provider,
        usage: (1 + seeded(`${seed}|usage`, 20_000_000)) / 1_000_000,
        byok_usage_inference: 0,
        requests: 1 + seeded(`${seed}|requests`, 5_000),
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        reasoning_tokens: Math.floor(completionTokens / 10),
      });
    }
  }
  return rows;
}

function endpointId(model: string, provider: string): string {
  const hex = sha256(`${model}|${provider}`).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

function parseDay(value: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return undefined;
  const ms = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return utcDay(ms) === value ? ms : undefined;
}

/**
 * External-scheduler ingress (SPEC S4, "Triggers"): Vercel Cron, a Cloudflare scheduled worker,
 * cron-job.org and GitHub Actions call with `Authorization: Bearer <CRON_SECRET>`; Upstash QStash
 * signs its deliveries with a JWT in `Upstash-Signature`. Credits jobs run inside the request
 * and answer the SPEC JSON; other externally triggerable schedules are enqueued.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type http from "node:http";
import { type Database, findExternallyTriggerableSchedule, runScheduleNow } from "@synchub/db";
import { creditsTasks } from "@synchub/jobs";
import { Receiver } from "@upstash/qstash";

/** Shorter secrets are refused at startup: a cron secret is all that guards these routes. */
export const MIN_CRON_SECRET_LENGTH = 16;

export interface CronIngressOptions {
  db: Database;
  /** Bearer secret for external schedulers; the routes answer 503 without it. (Default: none) */
  cronSecret?: string;
  /** QStash signing keys; QStash deliveries are refused without them. (Default: none) */
  qstash?: { currentSigningKey: string; nextSigningKey?: string };
}

/** Throws, naming CRON_SECRET, when a secret is set but too short to be worth checking. */
export function assertCronSecret(secret: string | undefined): void {
  if (secret !== undefined && secret.length < MIN_CRON_SECRET_LENGTH) {
    throw new Error(
      `CRON_SECRET must be at least ${MIN_CRON_SECRET_LENGTH} characters (got ${secret.length}); generate one with \`openssl rand -hex 32\``,
    );
  }
}

const PREFIX = "/api/jobs/";
const CREDITS_ROUTES: Record<string, keyof typeof creditsTasks> = {
  "/api/jobs/credits/grant": "credits.grant",
  "/api/jobs/credits/expire": "credits.expire",
};
const MAX_BODY_BYTES = 64 * 1024;

/**
 * Returns a handler for paths under /api/jobs/; it answers false (and writes nothing) for any
 * other path so the caller can route on.
 */
export function createCronRoutes(options: CronIngressOptions) {
  assertCronSecret(options.cronSecret);
  const secretDigest = options.cronSecret === undefined ? undefined : sha256(options.cronSecret);
  const receiver = options.qstash
    ? new Receiver({
        currentSigningKey: options.qstash.currentSigningKey,
        nextSigningKey: options.qstash.nextSigningKey ?? options.qstash.currentSigningKey,
        // Never fall back to the SDK's development keys, whatever the environment says.
        devMode: false,
      })
    : undefined;

  async function authenticate(
    req: http.IncomingMessage,
    body: string,
  ): Promise<{ ok: true; trigger: "http" | "qstash" } | { ok: false; status: number; error: string }> {
    const signature = req.headers["upstash-signature"];
    if (typeof signature === "string") {
      if (!receiver) return { ok: false, status: 503, error: "QStash signing keys are not configured" };
      const valid = await verifyQstash(receiver, signature, body);
      return valid
        ? { ok: true, trigger: "qstash" }
        : { ok: false, status: 401, error: "Invalid QStash signature" };
    }
    if (!secretDigest) return { ok: false, status: 503, error: "CRON_SECRET is not configured" };
    const match = /^Bearer (.+)$/.exec(req.headers.authorization ?? "");
    if (!match?.[1]) return { ok: false, status: 401, error: "Missing Authorization: Bearer <CRON_SECRET>" };
    // Digests have equal length whatever was sent, so the comparison time reveals nothing.
    if (!timingSafeEqual(sha256(match[1]), secretDigest)) {
      return { ok: false, status: 401, error: "Invalid cron secret" };
    }
    return { ok: true, trigger: "http" };
  }

  async function handle(req: http.IncomingMessage, res: http.ServerResponse, path: string): Promise<void> {
    const creditsTask = CREDITS_ROUTES[path];
    const genericName = creditsTask ? undefined : path.slice(PREFIX.length);
    if (creditsTask ? req.method !== "GET" && req.method !== "POST" : req.method !== "POST") {
      return json(res, 405, { success: false, error: `Method ${req.method} not allowed` });
    }
    const body = await readBody(req);
    if (body === null) return json(res, 413, { success: false, error: "Body too large" });
    const auth = await authenticate(req, body);
    if (!auth.ok) return json(res, auth.status, { success: false, error: auth.error });

    if (creditsTask) {
      const result = await creditsTasks[creditsTask](options.db, { trigger: auth.trigger });
      return json(res, result.success ? 200 : 500, result);
    }
    const schedule = genericName
      ? await findExternallyTriggerableSchedule(options.db, genericName)
      : undefined;
    if (!schedule) {
      return json(res, 404, {
        success: false,
        error: `No externally triggerable job named "${genericName}"`,
      });
    }
    const runner = creditsTasks[schedule.task as keyof typeof creditsTasks];
    if (runner) {
      const result = await runner(options.db, { trigger: auth.trigger });
      return json(res, result.success ? 200 : 500, result);
    }
    // Anything else runs on the worker, through the schedule's ledger like "Run now".
    const run = await runScheduleNow(options.db, schedule.id);
    return json(res, 202, { success: true, enqueued: true, jobId: run?.jobId ?? null, task: schedule.task });
  }

  return (req: http.IncomingMessage, res: http.ServerResponse, path: string): boolean => {
    if (!path.startsWith(PREFIX)) return false;
    handle(req, res, path).catch((error: unknown) => {
      if (!res.headersSent) json(res, 500, { success: false, error: String(error) });
      else res.end();
    });
    return true;
  };
}

async function verifyQstash(receiver: Receiver, signature: string, body: string): Promise<boolean> {
  // The SDK accepts a token without `exp`; QStash always sets one, so a token lacking it is forged.
  if (typeof decodeClaims(signature)?.exp !== "number") return false;
  try {
    return await receiver.verify({ signature, body });
  } catch {
    return false;
  }
}

function decodeClaims(token: string): Record<string, unknown> | undefined {
  try {
    const claims = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8"));
    return typeof claims === "object" && claims !== null ? claims : undefined;
  } catch {
    return undefined;
  }
}

function sha256(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}

async function readBody(req: http.IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

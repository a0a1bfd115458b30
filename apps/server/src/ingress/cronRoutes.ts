/**
 * External-scheduler ingress (SPEC S4, "Triggers"): Vercel Cron, a Cloudflare scheduled worker,
 * cron-job.org and GitHub Actions call with `Authorization: Bearer <CRON_SECRET>`; Upstash QStash
 * signs its deliveries with a JWT in `Upstash-Signature`. Credits jobs run inside the request
 * and answer the SPEC JSON; other externally triggerable schedules are enqueued.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import {
  acceptQstashDelivery,
  type Database,
  findExternallyTriggerableSchedule,
  runScheduleNow,
} from "@synchub/db";
import { creditsTasks } from "@synchub/jobs";
import { Receiver } from "@upstash/qstash";
import { type Context, Hono } from "hono";
import type { ServerEnv } from "../http/types.ts";

/** Shorter secrets are refused at startup: a cron secret is all that guards these routes. */
export const MIN_CRON_SECRET_LENGTH = 16;

export interface CronIngressOptions {
  db: Database;
  /** Bearer secret for external schedulers; the routes answer 503 without it. (Default: none) */
  cronSecret?: string;
  /** QStash signing keys; QStash deliveries are refused without them. (Default: none) */
  qstash?: { currentSigningKey: string; nextSigningKey?: string };
  /**
   * The public base URL QStash delivers to (e.g. https://synchub.example.com): a delivery is
   * accepted only when its token was signed for this URL plus the request's path and query.
   * (Default: none, QStash deliveries answer 503)
   */
  publicUrl?: string;
}

/** Throws, naming CRON_SECRET, when a secret is set but too short to be worth checking. */
export function assertCronSecret(secret: string | undefined): void {
  if (secret !== undefined && secret.length < MIN_CRON_SECRET_LENGTH) {
    throw new Error(
      `CRON_SECRET must be at least ${MIN_CRON_SECRET_LENGTH} characters (got ${secret.length}); generate one with \`openssl rand -hex 32\``,
    );
  }
}

const CREDITS_ROUTES: Record<string, keyof typeof creditsTasks> = {
  "credits/grant": "credits.grant",
  "credits/expire": "credits.expire",
};

type Authenticated =
  | { ok: true; trigger: "http" | "qstash" }
  | { ok: false; status: 401 | 503; error: string };

/** The routes under /api/jobs/, to mount with `app.route("/api/jobs", ...)`. */
export function cronRoutes(options: CronIngressOptions) {
  assertCronSecret(options.cronSecret);
  const secretDigest = options.cronSecret === undefined ? undefined : sha256(options.cronSecret);
  const publicUrl = options.publicUrl?.replace(/\/+$/, "");
  const receiver = options.qstash
    ? new Receiver({
        currentSigningKey: options.qstash.currentSigningKey,
        nextSigningKey: options.qstash.nextSigningKey ?? options.qstash.currentSigningKey,
        // Never fall back to the SDK's development keys, whatever the environment says.
        devMode: false,
      })
    : undefined;

  async function authenticate(c: Context<ServerEnv>, body: string): Promise<Authenticated> {
    const signature = c.req.header("upstash-signature");
    if (signature !== undefined) {
      if (!receiver) return { ok: false, status: 503, error: "QStash signing keys are not configured" };
      if (!publicUrl) {
        return {
          ok: false,
          status: 503,
          error:
            "SYNCHUB_PUBLIC_URL is not configured: QStash deliveries are checked against the URL they were sent to",
        };
      }
      const url = new URL(c.req.url);
      return verifyQstash(signature, body, `${publicUrl}${url.pathname}${url.search}`);
    }
    if (!secretDigest) return { ok: false, status: 503, error: "CRON_SECRET is not configured" };
    const match = /^Bearer (.+)$/.exec(c.req.header("authorization") ?? "");
    if (!match?.[1]) return { ok: false, status: 401, error: "Missing Authorization: Bearer <CRON_SECRET>" };
    // Digests have equal length whatever was sent, so the comparison time reveals nothing.
    if (!timingSafeEqual(sha256(match[1]), secretDigest)) {
      return { ok: false, status: 401, error: "Invalid cron secret" };
    }
    return { ok: true, trigger: "http" };
  }

  async function verifyQstash(signature: string, body: string, url: string): Promise<Authenticated> {
    const refused = { ok: false, status: 401, error: "Invalid QStash signature" } as const;
    const claims = decodeClaims(signature);
    // The SDK accepts a token without `exp` or `jti`; QStash always sets both, so one lacking
    // them is forged, and without them a replay could not be told apart.
    if (typeof claims?.exp !== "number" || typeof claims.jti !== "string" || claims.jti.length > 200)
      return refused;
    try {
      if (!(await receiver!.verify({ signature, body, url }))) return refused;
    } catch {
      return refused;
    }
    if (!(await acceptQstashDelivery(options.db, claims.jti, new Date(claims.exp * 1000)))) {
      return { ok: false, status: 401, error: "This QStash delivery was already used" };
    }
    return { ok: true, trigger: "qstash" };
  }

  const app = new Hono<ServerEnv>();
  app.all("/*", async (c) => {
    const name = c.req.path.replace(/^\/api\/jobs\//, "");
    const creditsTask = CREDITS_ROUTES[name];
    const method = c.req.method;
    if (creditsTask ? method !== "GET" && method !== "POST" : method !== "POST") {
      return c.json({ success: false, error: `Method ${method} not allowed` }, 405);
    }
    const auth = await authenticate(c, await c.req.text());
    if (!auth.ok) return c.json({ success: false, error: auth.error }, auth.status);

    if (creditsTask) return answer(c, await creditsTasks[creditsTask](options.db, { trigger: auth.trigger }));
    const schedule = name ? await findExternallyTriggerableSchedule(options.db, name) : undefined;
    if (!schedule) {
      return c.json({ success: false, error: `No externally triggerable job named "${name}"` }, 404);
    }
    const runner = creditsTasks[schedule.task as keyof typeof creditsTasks];
    if (runner) return answer(c, await runner(options.db, { trigger: auth.trigger }));
    // Anything else runs on the worker, through the schedule's ledger like "Run now".
    const run = await runScheduleNow(options.db, schedule.id);
    return c.json({ success: true, enqueued: true, jobId: run?.jobId ?? null, task: schedule.task }, 202);
  });
  return app;
}

/**
 * The SPEC answer of a credits run. A failed run's error (a database message) stays in its run
 * row and the log; the caller is told where to look, never the message itself.
 */
function answer(c: Context<ServerEnv>, result: { success: boolean; jobId: string; error?: string }) {
  if (result.success) return c.json(result, 200);
  c.get("log").error({ jobId: result.jobId, error: result.error }, "credits job failed");
  return c.json(
    {
      ...result,
      error: `The job failed: see run ${result.jobId} in the admin (request id ${c.get("requestId")})`,
    },
    500,
  );
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

/**
 * quota.consume over HTTP with 50 concurrent callers using an operator API token, against one
 * user whose monthly AI-request limit is smaller than the calls made: calls per second, p99, and
 * how many calls got past the limit (must be 0). Reference in the same run: the same callers on
 * `auth.me`, a tRPC call that only authenticates the token.
 */
import { generateApiToken } from "@synchub/api";
import { insertApiToken, upsertQuotaAccount } from "@synchub/db";
import { startServer } from "@synchub/server";
import { sql } from "kysely";
import { type BenchServer, benchSecrets, percentile } from "./harness.ts";

const CALLERS = 50;
const CALLS = 5_000;
const LIMIT = 2_000;

async function hammer(url: string, token: string, call: () => { path: string; body?: unknown }) {
  const latencies: number[] = [];
  const bodies: unknown[] = [];
  let issued = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CALLERS }, async () => {
      while (issued < CALLS) {
        issued++;
        const { path, body } = call();
        const t0 = performance.now();
        const response = await fetch(`${url}/trpc/${path}`, {
          method: body === undefined ? "GET" : "POST",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          ...(body === undefined ? {} : { body: JSON.stringify({ json: body }) }),
        });
        bodies.push(await response.json());
        latencies.push(performance.now() - t0);
        if (!response.ok) throw new Error(`bench: ${path} answered ${response.status}`);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { perSecond: CALLS / seconds, p99: percentile(latencies, 99), bodies };
}

export async function quotaConsume(server: BenchServer) {
  const { url, db } = await server.newDatabase();
  await sql`update synchub.plans set monthly_ai_requests = ${LIMIT} where id = 'pro'`.execute(db);
  await upsertQuotaAccount(db, { userRef: "bench-user", planId: "pro" });
  const { token, tokenHash, prefix } = generateApiToken();
  await insertApiToken(db, { name: "bench", tokenHash, prefix, role: "operator", createdBy: "bench" });
  const running = await startServer({
    connectionString: url,
    encryptionKey: benchSecrets.key,
    admin: { username: "admin", password: "bench-admin-password" },
    port: 0,
  });
  try {
    const reference = await hammer(running.url, token, () => ({ path: "auth.me" }));
    const consume = await hammer(running.url, token, () => ({
      path: "quotas.consume",
      body: { userRef: "bench-user", metric: "aiRequests", amount: 1 },
    }));
    const granted = consume.bodies.filter(
      (body) => (body as { result?: { data?: { json?: { ok?: boolean } } } }).result?.data?.json?.ok === true,
    ).length;
    const { rows } = await sql<{ used: number }>`
      select ai_requests_used_month as used from synchub.quota_accounts where user_ref = 'bench-user'`.execute(
      db,
    );
    const overLimit = Math.max(0, granted - LIMIT) + Math.max(0, rows[0]!.used - LIMIT);
    const ratio = consume.perSecond / reference.perSecond;
    return {
      name: "quota consume over HTTP",
      figure: `${consume.perSecond.toFixed(0)} calls/s, p99 ${consume.p99.toFixed(1)} ms, ${granted} granted of ${CALLS}, over the limit: ${overLimit}`,
      reference: `auth.me: ${reference.perSecond.toFixed(0)} calls/s, p99 ${reference.p99.toFixed(1)} ms`,
      ratio,
      target: "over-limit count = 0",
      ok: overLimit === 0 && granted === LIMIT && rows[0]!.used === LIMIT,
      detail: `${CALLERS} concurrent callers, ${CALLS} calls each run, limit ${LIMIT}; used after the run: ${rows[0]!.used}`,
    };
  } finally {
    await running.close();
  }
}

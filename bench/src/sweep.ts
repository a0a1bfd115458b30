/**
 * Sweep: 400 accounts over the four S1 providers (100 each), against the sandbox with every
 * provider's pacing scaled down by SCALE (OpenAI 10 s -> 100 ms at 0.01). The reference is the
 * pacing bound: the busiest provider's accounts x its interval, since calls to one provider are
 * spaced by its interval and providers run in parallel. The old design (3 accounts per 5-minute
 * tick) would take about 11 hours for this at real pacing.
 */
import { createTaskList } from "@synchub/jobs";
import { sandboxVolcengineSecretFor, startSandbox } from "@synchub/sandbox";
import { run } from "graphile-worker";
import { sql } from "kysely";
import { type BenchServer, benchSecrets, insertConnections, quietLogger, waitUntil } from "./harness.ts";

const SCALE = 0.01;
const PER_PROVIDER = 100;
/**
 * Our provider-wide pacing equals the provider's interval. The sandbox limits each key, and every
 * account has its own key, so it never needs to throttle us here; 429s would show as deferrals.
 */
const MARGIN = 1;
const REAL_INTERVAL_MS = {
  openai: 10_000,
  anthropic: 10_000,
  openrouter: 5_000,
  volcengine: 10_000,
} as const;

export async function sweep(server: BenchServer) {
  const sandbox = await startSandbox({ port: 0, pacing: { scale: SCALE } });
  const { url, db } = await server.newDatabase();
  try {
    for (const [provider, ms] of Object.entries(REAL_INTERVAL_MS)) {
      await db
        .updateTable("pools")
        .set({ min_interval_ms: Math.ceil(ms * SCALE * MARGIN), max_concurrency: 8 })
        .where("name", "=", provider)
        .execute();
    }
    const suffix = () => Math.random().toString(36).slice(2, 10).padEnd(8, "x");
    // Paused while inserting, so the clock starts when the worker does.
    const credentials = {
      openai: () => ({ adminKey: `sk-admin-sweep-${suffix()}` }),
      anthropic: () => ({ adminKey: `sk-ant-admin01-sweep${suffix()}` }),
      openrouter: () => ({ apiKey: `sk-or-v1-sweep${suffix()}` }),
      volcengine: () => {
        const accessKeyId = `AKLTsweep${suffix()}`;
        return { accessKeyId, secretAccessKey: sandboxVolcengineSecretFor(accessKeyId) };
      },
    };
    for (const provider of Object.keys(REAL_INTERVAL_MS) as (keyof typeof REAL_INTERVAL_MS)[]) {
      await insertConnections(db, {
        count: PER_PROVIDER,
        provider,
        baseUrl: `${sandbox.url}/${provider}`,
        credentials: credentials[provider],
        status: "paused",
      });
    }
    await sql`update synchub.sync_targets set status = 'active'`.execute(db);
    // One call per account: a one-day window fits in one page for every provider.
    const taskList = createTaskList({
      db,
      secrets: benchSecrets.box,
      sync: { backfillDays: 1, maxInlineWaitMs: 60_000 },
    });
    const runner = await run({
      connectionString: url,
      concurrency: 16,
      taskList,
      logger: quietLogger,
      pollInterval: 100,
    });
    const started = performance.now();
    // All due at once, in the order a tick would pick them: not grouped by provider.
    await sql`
      select synchub.request_sync(id, 'sql') from (
        select id, provider, row_number() over (partition by provider order by id) as n from synchub.connections
      ) due order by n, provider`.execute(db);
    const total = PER_PROVIDER * 4;
    await waitUntil(
      "every account to sync",
      async () => {
        const { rows } = await sql<{ n: number }>`
          select count(*)::int as n from synchub.sync_targets where sync_status in ('ok', 'failed')`.execute(
          db,
        );
        return rows[0]!.n === total;
      },
      600_000,
    );
    const seconds = (performance.now() - started) / 1000;
    await runner.stop();

    const { rows: outcome } = await sql<{ ok: number; failed: number; deferred: number; calls: number }>`
      select count(*) filter (where status = 'succeeded')::int as ok,
             count(*) filter (where status = 'failed')::int as failed,
             count(*) filter (where status = 'deferred')::int as deferred,
             coalesce(sum(pages), 0)::int as calls
      from synchub.runs`.execute(db);
    const boundSeconds = Math.max(
      ...Object.values(REAL_INTERVAL_MS).map((ms) => (PER_PROVIDER * ms * SCALE) / 1000),
    );
    const ratio = seconds / boundSeconds;
    const o = outcome[0]!;
    return {
      name: "sweep",
      figure: `${total} accounts in ${seconds.toFixed(2)} s`,
      reference: `pacing bound ${boundSeconds.toFixed(2)} s (100 accounts x ${10_000 * SCALE} ms)`,
      ratio,
      target: "ratio <= 1.1",
      ok: ratio <= 1.1 && o.ok === total,
      detail: `pacing scale ${SCALE}; runs: ${o.ok} succeeded, ${o.failed} failed, ${o.deferred} deferred; ${o.calls} pages. Old design at real pacing: ~11 h`,
    };
  } finally {
    await sandbox.close();
  }
}

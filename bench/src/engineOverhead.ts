/**
 * Engine overhead: no-op sync.target jobs per second, with all of synchub's bookkeeping
 * (payload parse, connection claim and provider slot, run row, connection state, the connector's
 * setup), against bare graphile-worker no-op jobs on the same database and concurrency. The syncs are no-ops because
 * each connection's watermark is in the future: the connector has an empty range and makes no call.
 */
import { createDb, createPool, type Database } from "@synchub/db";
import { createTaskList } from "@synchub/jobs";
import { run, type TaskList } from "graphile-worker";
import { sql } from "kysely";
import { cpuSince, sampleCpu } from "./cpu.ts";
import {
  type BenchServer,
  benchSecrets,
  insertConnections,
  median,
  quietLogger,
  waitUntil,
} from "./harness.ts";

const JOBS = 3_000;
/** Syncs at once on both sides; `BENCH_CONCURRENCY=16 pnpm bench overhead` measures another point. */
const CONCURRENCY = benchConcurrency(process.env.BENCH_CONCURRENCY);
const ROUNDS = 5;

/**
 * Drains the queue the way apps/worker runs: one pool for graphile-worker and the tasks' own
 * queries, of the same size. `tasks` gets that pool's Kysely instance.
 */
async function drain(url: string, tasks: (db: Database) => TaskList, db: Database) {
  const pool = createPool({ connectionString: url, maxConnections: CONCURRENCY * 2 + 2 });
  const taskList = tasks(createDb(pool));
  const cpu = sampleCpu();
  const started = performance.now();
  const runner = await run({
    pgPool: pool,
    concurrency: CONCURRENCY,
    taskList,
    logger: quietLogger,
    pollInterval: 100,
  });
  await waitUntil("the queue to drain", async () => (await countJobs(db)) === 0, 600_000);
  const seconds = (performance.now() - started) / 1000;
  const used = cpuSince(cpu);
  await runner.stop();
  await pool.end();
  return {
    jobsPerSecond: JOBS / seconds,
    nodeMsPerJob: used.nodeMs / JOBS,
    postgresMsPerJob: used.postgresMs / JOBS,
  };
}

type Drained = Awaited<ReturnType<typeof drain>>;

/** Median rate, and median CPU per job of Node and of the Postgres processes. */
function summary(rounds: Drained[]) {
  return {
    rate: median(rounds.map((r) => r.jobsPerSecond)),
    rates: rounds.map((r) => r.jobsPerSecond.toFixed(0)).join("/"),
    cpu: `CPU per job: Node ${median(rounds.map((r) => r.nodeMsPerJob)).toFixed(2)} ms, Postgres ${median(rounds.map((r) => r.postgresMsPerJob)).toFixed(2)} ms`,
  };
}

function benchConcurrency(value: string | undefined): number {
  if (value === undefined || value === "") return 8;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 64)
    throw new Error(`BENCH_CONCURRENCY must be a whole number from 1 to 64, got "${value}"`);
  return n;
}

async function countJobs(db: Database): Promise<number> {
  const { rows } = await sql<{
    n: number;
  }>`select count(*)::int as n from graphile_worker._private_jobs`.execute(db);
  return rows[0]!.n;
}

export async function engineOverhead(server: BenchServer) {
  const bareRounds: Drained[] = [];
  const synchubRounds: Drained[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    {
      const { url, db } = await server.newDatabase();
      await sql`select graphile_worker.add_jobs(array(
        select row('bench.noop', '{}'::json, null, null, null, null, null, null)::graphile_worker.job_spec
        from generate_series(1, ${JOBS})))`.execute(db);
      bareRounds.push(await drain(url, () => ({ "bench.noop": async () => {} }), db));
    }
    {
      const { url, db } = await server.newDatabase();
      await db
        .updateTable("pools")
        .set({ min_interval_ms: 0, hourly_cap: 1_000_000, max_concurrency: 100 })
        .execute();
      await insertConnections(db, {
        count: JOBS,
        provider: "openai",
        baseUrl: "http://127.0.0.1:9/never-called",
        credentials: (i) => ({ adminKey: `sk-admin-bench-${i}-noop0000` }),
      });
      // Watermark in the future: the connector's range is empty and it makes no HTTP call.
      await sql`update synchub.sync_targets set last_synced_at = now() + interval '3 days'`.execute(db);
      synchubRounds.push(
        await drain(
          url,
          (workerDb) => createTaskList({ db: workerDb, secrets: benchSecrets.box, sync: {} }),
          db,
        ),
      );
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from synchub.runs where status = 'succeeded'`.execute(db);
      if (rows[0]!.n !== JOBS)
        throw new Error(`engine overhead: expected ${JOBS} succeeded runs, got ${rows[0]!.n}`);
    }
  }
  const synchub = summary(synchubRounds);
  const bare = summary(bareRounds);
  // Each synchub round against the bare round just before it: the machine's speed drifts less
  // within a pair than across the whole run.
  const pairRatios = synchubRounds.map((round, i) => round.jobsPerSecond / bareRounds[i]!.jobsPerSecond);
  const ratio = median(pairRatios);
  const cpuRatio = median(
    synchubRounds.map(
      (round, i) =>
        (bareRounds[i]!.nodeMsPerJob + bareRounds[i]!.postgresMsPerJob) /
        (round.nodeMsPerJob + round.postgresMsPerJob),
    ),
  );
  return {
    name: "engine overhead",
    figure: `${synchub.rate.toFixed(0)} sync.target jobs/s`,
    reference: `${bare.rate.toFixed(0)} bare graphile-worker no-op jobs/s`,
    ratio,
    // Information with a floor (issue 14): simplicity wins over anything above it.
    target: "ratio >= 0.35",
    ok: ratio >= 0.35,
    detail: `${JOBS} jobs, concurrency ${CONCURRENCY}, median of ${ROUNDS} rounds each; pair ratios ${pairRatios.map((r) => r.toFixed(2)).join("/")}, CPU ratio ${cpuRatio.toFixed(2)}; synchub ${synchub.rates} (${synchub.cpu}), bare ${bare.rates} (${bare.cpu})`,
  };
}

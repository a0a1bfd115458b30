/**
 * Retention at scale: 60 days of sync runs (200,000, every 20th failed) kept at 30-day retention.
 * The runs are rolled up as the 5-minute `runs.rollup` job would have, then `history.prune` runs
 * once; the figures are what is left of the history and whether any counter went down.
 */
import type { Database } from "@synchub/db";
import { pruneHistory, rollUpRuns, runCounts } from "@synchub/db";
import { sql } from "kysely";

export const DAYS_SIMULATED = 60;
const RETENTION_DAYS = 30;
const RUNS = 200_000;
const TARGETS = 100;

export interface RetentionFigures {
  runsBefore: number;
  runsAfter: number;
  /** Days between now and the oldest run left. */
  oldestDays: number;
  pruneSeconds: number;
  /** Counter series (task, pool, status, duration bucket) lower after the prune; 0 is the goal. */
  countersDown: number;
  countedBefore: number;
  countedAfter: number;
}

export async function retentionAtScale(db: Database): Promise<RetentionFigures> {
  await sql`insert into synchub.tenants (name, tier) values ('Retention', 'pro')`.execute(db);
  // Connections make their targets (trigger); their first-sync jobs are irrelevant here.
  await sql`
    insert into synchub.connections (tenant_id, provider, name, base_url, credentials_encrypted)
    select (select id from synchub.tenants where name = 'Retention'), 'openai', 'r' || i, null, 'v2.x.y.z'
    from generate_series(1, ${TARGETS}) as i`.execute(db);
  await sql`
    insert into synchub.runs (task, kind, target_id, trigger, status, started_at, finished_at, duration_ms)
    select 'sync.target', 'llm.costs', (array(select id from synchub.sync_targets order by id))[1 + i % ${TARGETS}], 'schedule',
      case when i % 20 = 0 then 'failed' else 'succeeded' end,
      at - interval '2 seconds', at, 2000
    from generate_series(1, ${RUNS}) as i
    cross join lateral (select now() - interval '10 minutes' - (${DAYS_SIMULATED} * interval '1 day') * i / ${RUNS} as at) a`.execute(
    db,
  );
  await rollUpRuns(db);
  const count = async () =>
    Number((await sql<{ n: string }>`select count(*) as n from synchub.runs`.execute(db)).rows[0]!.n);
  const runsBefore = await count();
  const before = await runCounts(db);

  const started = performance.now();
  await pruneHistory(db, { runDays: RETENTION_DAYS, closedDeadLetterDays: 30, auditDays: 365 });
  const pruneSeconds = (performance.now() - started) / 1000;

  const after = new Map(
    (await runCounts(db)).map((row) => [
      `${row.task}/${row.pool}/${row.status}/${row.durationBucket}`,
      row.runs,
    ]),
  );
  const countersDown = before.filter(
    (row) => (after.get(`${row.task}/${row.pool}/${row.status}/${row.durationBucket}`) ?? 0) < row.runs,
  ).length;
  const { rows } = await sql<{ days: number }>`
    select extract(epoch from now() - min(finished_at))::float8 / 86400 as days from synchub.runs`.execute(
    db,
  );
  const sum = (counts: Iterable<number>) => [...counts].reduce((total, n) => total + n, 0);
  return {
    runsBefore,
    runsAfter: await count(),
    oldestDays: rows[0]?.days ?? 0,
    pruneSeconds,
    countersDown,
    countedBefore: sum(before.map((row) => row.runs)),
    countedAfter: sum(after.values()),
  };
}

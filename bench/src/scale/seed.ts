/**
 * Seeds a freshly migrated database with production-shaped data, set-based: a statement or two per
 * table, no round trip per row. Only what the app's own code must make is made in Node: the
 * connections' sealed credentials (each bound to its row's id) and the dead letters' fingerprints.
 * The scheduler's and business jobs' runs follow the clock (30 days of them at every size);
 * everything else follows the size.
 */
import { randomUUID } from "node:crypto";
import { type Database, rollUpRuns } from "@synchub/db";
import { sql } from "kysely";
import { benchSecrets } from "../harness.ts";
import { seedAudit, seedDeadLetters, seedRuns } from "./history.ts";

export interface ScaleSize {
  /** Connections, each with its llm.costs target. */
  targets: number;
  /** sync.target runs over the last 30 days. */
  runs: number;
  /** Open dead letters, in 50 groups. */
  deadLetters: number;
  audit: number;
}

export const FULL: ScaleSize = { targets: 100_000, runs: 1_000_000, deadLetters: 10_000, audit: 100_000 };
export const TENTH: ScaleSize = { targets: 10_000, runs: 100_000, deadLetters: 1_000, audit: 10_000 };

/** The four S1 providers (packages/connectors `providerIds`), as shares of the connections in tenths. */
const PROVIDERS = [
  ...Array(4).fill("openai"),
  ...Array(3).fill("anthropic"),
  ...Array(2).fill("openrouter"),
  "volcengine",
] as const;

const CONNECTIONS_PER_TENANT = 10;

export interface SeedReport {
  seconds: number;
  steps: { step: string; seconds: number }[];
}

export async function seed(db: Database, size: ScaleSize): Promise<SeedReport> {
  const steps: SeedReport["steps"] = [];
  const started = performance.now();
  const step = async (name: string, work: () => Promise<unknown>) => {
    const t0 = performance.now();
    await work();
    steps.push({ step: name, seconds: (performance.now() - t0) / 1000 });
  };

  await step("tenants", () => seedTenants(db, Math.ceil(size.targets / CONNECTIONS_PER_TENANT)));
  await step("connections", () => seedConnections(db, size.targets));
  await step("target states", () => seedTargetStates(db));
  await step("runs", () => seedRuns(db, size.runs));
  await step("dead letters", () => seedDeadLetters(db, size.deadLetters));
  await step("audit log", () => seedAudit(db, size.audit));
  await step("rate limits, heartbeat", () => seedFlowControl(db));
  // Production's upkeep has kept up (the runs.rollup schedule, every 5 minutes): /metrics and the
  // charts read the rollups plus the last minutes of runs, not 30 days of rows.
  await step("runs.rollup", () => rollUpRuns(db));
  // What autovacuum would have done by now: statistics, and the visibility map for index-only scans.
  await step("vacuum analyze", () => sql`vacuum analyze`.execute(db));
  return { seconds: (performance.now() - started) / 1000, steps };
}

/** A tenth enterprise, three tenths pro, the rest free; a fifth never active. */
async function seedTenants(db: Database, count: number) {
  await sql`
    insert into synchub.tenants (name, tier, last_active_at, created_at)
    select 'Tenant ' || i,
      case when i % 10 = 0 then 'enterprise' when i % 10 <= 3 then 'pro' else 'free' end,
      case when i % 5 <> 0 then now() - random() * interval '30 days' end,
      now() - interval '2 years' + random() * interval '700 days'
    from generate_series(1, ${count}) as i`.execute(db);
}

/**
 * Connections spread over the tenants and the four providers, each with its llm.costs target
 * (interval and priority from the tenant's tier). The insert trigger would do the second part row
 * by row, enqueueing a first sync each time through add_job (about 2 ms a row at 10,000 and growing
 * with the queue), so it is off for this one transaction and the target rows are made as it makes
 * them, in one statement; no first-sync jobs, as if a worker had run them long ago.
 */
async function seedConnections(db: Database, count: number) {
  const ids: string[] = [];
  const providers: string[] = [];
  const credentials: string[] = [];
  for (let n = 0; n < count; n++) {
    const id = randomUUID();
    const provider = PROVIDERS[n % PROVIDERS.length]!;
    ids.push(id);
    providers.push(provider);
    credentials.push(benchSecrets.box.seal(JSON.stringify(credentialsFor(provider, n)), id));
  }
  await db.transaction().execute(async (trx) => {
    await sql`alter table synchub.connections disable trigger connections_create_target`.execute(trx);
    await sql`
      insert into synchub.connections (id, tenant_id, provider, name, base_url, credentials_encrypted, created_at)
      select c.id, t.id, c.provider, c.provider || ' account ' || c.n, null, c.credentials,
        now() - interval '1 year' + random() * interval '360 days'
      from unnest(${ids}::uuid[], ${providers}::text[], ${credentials}::text[]) with ordinality
        as c(id, provider, credentials, n)
      join (select id, row_number() over (order by id) - 1 as k from synchub.tenants) t
        on t.k = c.n % (select count(*) from synchub.tenants)`.execute(trx);
    // The trigger's own insert (synchub.create_llm_costs_target), for every connection at once.
    await sql`
      insert into synchub.sync_targets (id, kind, subject_id, pool, interval_ms, priority, created_at)
      select c.id, 'llm.costs', c.id, c.provider,
        (extract(epoch from synchub.tier_interval(t.tier)) * 1000)::integer, synchub.tier_priority(t.tier),
        c.created_at
      from synchub.connections c join synchub.tenants t on t.id = c.tenant_id`.execute(trx);
    await sql`alter table synchub.connections enable trigger connections_create_target`.execute(trx);
  });
}

function credentialsFor(provider: string, n: number): object {
  const key = n.toString(36).padStart(8, "0");
  switch (provider) {
    case "openai":
      return { adminKey: `sk-admin-scale-${key}` };
    case "anthropic":
      return { adminKey: `sk-ant-admin01-scale${key}` };
    case "openrouter":
      return { apiKey: `sk-or-v1-scale${key}` };
    default:
      return { accessKeyId: `AKLTscale${key}`, secretAccessKey: `c2NhbGUtc2VjcmV0LSR7a2V5fQ${key}` };
  }
}

/**
 * The loop state of every llm.costs target, by a per-mille bucket of its id:
 *   85.0 % ok, synced within its interval, next sync ahead
 *    3.0 % late: active, due more than one interval ago (what health calls late)
 *    5.0 % failing: active, last sync failed (2 in 5 permanent), retrying with backoff
 *    4.0 % never synced: pending, due within the last minutes
 *    2.0 % paused by the engine after 3 authentication failures
 *    1.0 % paused by a person
 */
async function seedTargetStates(db: Database) {
  await sql`
    with t as (
      select id, interval_ms * interval '1 millisecond' as every, abs(hashtext(id::text)) % 1000 as b,
        random() as r
      from synchub.sync_targets where kind = 'llm.costs'
    ), state as (
      select id, every, r, b,
        case when b < 850 then 'ok' when b < 880 then 'late' when b < 930 then 'failing'
             when b < 970 then 'never' when b < 990 then 'auth_paused' else 'paused' end as state
      from t
    )
    update synchub.sync_targets s set
      status = case when state.state in ('auth_paused', 'paused') then 'paused' else 'active' end,
      paused_reason = case state.state
        when 'auth_paused' then 'Paused after 3 authentication failures in a row: ' || s.pool
          || ' rejected the admin key (401 invalid_api_key)'
        when 'paused' then 'Paused by ops-alice' end,
      sync_status = case state.state when 'never' then 'pending' when 'failing' then 'failed'
        when 'auth_paused' then 'failed' else 'ok' end,
      sync_error = case
        when state.state = 'auth_paused' then s.pool || ' rejected the admin key (401 invalid_api_key)'
        when state.state = 'failing' and state.b % 5 < 2 then s.pool || ' answered 400: start_time is out of range'
        when state.state = 'failing' then s.pool || ' answered 503 after 30 s (upstream timeout)' end,
      sync_error_class = case
        when state.state = 'auth_paused' or (state.state = 'failing' and state.b % 5 < 2) then 'permanent'
        when state.state = 'failing' then 'transient' end,
      consecutive_failures = case state.state when 'auth_paused' then 3 when 'failing' then 1 + state.b % 3 else 0 end,
      auth_failures = case when state.state = 'auth_paused' then 3 else 0 end,
      last_synced_at = case state.state
        when 'never' then null
        when 'late' then now() - state.every * (2 + 2 * state.r)
        when 'failing' then now() - state.every * (1 + 3 * state.r)
        else now() - state.every * state.r end,
      next_sync_at = case state.state
        when 'never' then now() - interval '5 minutes' * state.r
        when 'late' then now() - state.every * (1 + 2 * state.r)
        when 'failing' then now() + interval '30 minutes' * state.r
        else now() + state.every * (1 - state.r) end
    from state where state.id = s.id`.execute(db);
}

/**
 * Each provider's pacing key, and a credential key for the 1 % of targets with their own pacing
 * (a key with a lower limit than its provider's); one live worker's heartbeat.
 */
async function seedFlowControl(db: Database) {
  await sql`
    update synchub.sync_targets set pacing_min_interval_ms = 2000, pacing_hourly_cap = 600
    where kind = 'llm.costs' and abs(hashtext(id::text || 'pacing')) % 100 = 0`.execute(db);
  await sql`
    insert into synchub.rate_limits (key, min_interval_ms, hourly_cap, next_allowed_at, window_started_at,
      window_count, deferrals, throttled)
    select 'provider:' || name, min_interval_ms, hourly_cap, now() + interval '2 seconds', now() - interval '20 minutes',
      hourly_cap / 3, 1200, 14
    from synchub.pools where name <> 'stripe'
    union all
    select 'credential:' || id, pacing_min_interval_ms, pacing_hourly_cap, now() - random() * interval '1 hour',
      now() - random() * interval '1 hour', (random() * 100)::int, (random() * 20)::int, 0
    from synchub.sync_targets where pacing_min_interval_ms is not null`.execute(db);
  await sql`
    insert into synchub.worker_heartbeats (process_id, worker_ids, hostname, pid)
    values ('scale-bench', array['worker-1'], 'bench', 1)`.execute(db);
}

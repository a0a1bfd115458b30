-- One engine for every kind of work (issue 14, ENGINE.md). The sync loop's state moves from
-- S1's connections to sync_targets (one row per kind and subject); provider settings and slots
-- become pools (any flow-control key: a provider, a region's API); sync_runs and job_runs fold
-- into one runs table for every execution of every task. Existing rows are carried over: each
-- connection becomes its llm.costs target under the same id, every run keeps its id or (for
-- business job runs) gets a new one that the credit ledger follows.

-- Pools: the flow-control keys every worker shares (pacing, concurrency slots).
alter table synchub.provider_settings rename to pools;
alter table synchub.pools rename column provider to name;
alter table synchub.pools rename constraint provider_settings_pkey to pools_pkey;
alter table synchub.pools rename constraint provider_settings_hourly_cap_check to pools_hourly_cap_check;
alter table synchub.pools rename constraint provider_settings_max_concurrency_check to pools_max_concurrency_check;
alter table synchub.pools rename constraint provider_settings_min_interval_ms_check to pools_min_interval_ms_check;
alter table synchub.provider_slots rename to pool_slots;
alter table synchub.pool_slots rename column provider to pool;
alter table synchub.pool_slots rename column holder to claimed_by;
alter table synchub.pool_slots rename column held_until to claimed_until;
alter table synchub.pool_slots rename constraint provider_slots_pkey to pool_slots_pkey;

-- Sync targets: one (kind, subject) pair with the loop's state.
create table synchub.sync_targets (
  id uuid primary key default gen_random_uuid(),
  kind text not null check (kind ~ '^[a-z0-9]+(\.[a-z0-9_]+)+$'),
  subject_id uuid not null,
  pool text not null references synchub.pools (name) on update cascade,
  interval_ms integer not null check (interval_ms > 0),
  -- graphile-worker priority of its scheduled syncs: lower runs first.
  priority smallint not null default 30,
  status text not null default 'active' check (status in ('active', 'paused')),
  paused_reason text,
  sync_status text not null default 'pending' check (sync_status in ('pending', 'running', 'ok', 'failed')),
  sync_error text,
  sync_error_class text check (sync_error_class in ('transient', 'permanent')),
  consecutive_failures integer not null default 0 check (consecutive_failures >= 0),
  auth_failures integer not null default 0 check (auth_failures >= 0),
  last_synced_at timestamptz,
  next_sync_at timestamptz not null default now(),
  -- This target's own pacing on top of its pool's (a credential's limit).
  pacing_min_interval_ms integer check (pacing_min_interval_ms >= 0),
  pacing_hourly_cap integer check (pacing_hourly_cap > 0),
  -- The job running it ('job:<id>') and until when that claim holds if the job never ends it.
  claimed_by text,
  claimed_until timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (kind, subject_id)
);
create index sync_targets_due_idx on synchub.sync_targets (next_sync_at) where status = 'active';
create index sync_targets_pool_idx on synchub.sync_targets (pool, kind);

insert into synchub.sync_targets (
  id, kind, subject_id, pool, interval_ms, priority, status, paused_reason, sync_status, sync_error,
  sync_error_class, consecutive_failures, auth_failures, last_synced_at, next_sync_at,
  pacing_min_interval_ms, pacing_hourly_cap, claimed_by, claimed_until, created_at, updated_at
)
select c.id, 'llm.costs', c.id, c.provider,
  (extract(epoch from synchub.tier_interval(t.tier)) * 1000)::integer, synchub.tier_priority(t.tier),
  c.status, c.paused_reason, c.sync_status, c.sync_error, c.sync_error_class, c.consecutive_failures,
  c.auth_failures, c.last_synced_at, c.next_sync_at, c.pacing_min_interval_ms, c.pacing_hourly_cap,
  c.sync_holder, c.sync_holder_until, c.created_at, c.updated_at
from synchub.connections c join synchub.tenants t on t.id = c.tenant_id;

-- One run table: every execution of every task (a target's sync or a business job).
alter domain synchub.run_trigger drop constraint run_trigger_values;
alter domain synchub.run_trigger add constraint run_trigger_values
  check (value in ('schedule', 'manual', 'sql', 'created', 'replay', 'webhook', 'http', 'qstash'));
alter table synchub.sync_runs rename to runs;
alter table synchub.runs rename constraint sync_runs_pkey to runs_pkey;
alter table synchub.runs drop constraint sync_runs_connection_id_fkey;
alter table synchub.runs rename constraint sync_runs_dead_letter_id_fkey to runs_dead_letter_id_fkey;
alter table synchub.runs rename column connection_id to target_id;
alter table synchub.runs alter column target_id drop not null;
alter table synchub.runs add constraint runs_target_id_fkey
  foreign key (target_id) references synchub.sync_targets (id) on delete cascade;
alter table synchub.runs
  add column task text,
  add column kind text,
  add column parent_run_id bigint references synchub.runs (id) on delete set null,
  add column duration_ms integer,
  -- Task-specific figures (a credits grant's counts); a sync's counts are columns of their own.
  add column results jsonb,
  add column job_run_id bigint;
update synchub.runs
set task = 'sync.target', kind = 'llm.costs',
  duration_ms = (extract(epoch from finished_at - started_at) * 1000)::integer;
alter table synchub.runs alter column task set not null;
alter index synchub.sync_runs_connection_idx rename to runs_target_idx;
alter index synchub.sync_runs_started_idx rename to runs_started_idx;
create index runs_task_idx on synchub.runs (task, started_at desc);

insert into synchub.runs (task, trigger, status, attempt, started_at, finished_at, duration_ms, results,
  error, error_class, dead_letter_id, job_run_id)
select task, trigger, status, attempt, started_at, finished_at, duration_ms, results, error,
  error_class, dead_letter_id, id
from synchub.job_runs
order by id;
alter table synchub.credit_ledger drop constraint credit_ledger_job_run_id_fkey;
update synchub.credit_ledger l set job_run_id = r.id from synchub.runs r where r.job_run_id = l.job_run_id;
alter table synchub.credit_ledger rename column job_run_id to run_id;
alter table synchub.credit_ledger add constraint credit_ledger_run_id_fkey
  foreign key (run_id) references synchub.runs (id) on delete set null;
alter table synchub.runs drop column job_run_id;
drop table synchub.job_runs;

-- Dead letters name the target they came from.
alter table synchub.dead_letters drop constraint dead_letters_connection_id_fkey;
alter table synchub.dead_letters rename column connection_id to target_id;
alter table synchub.dead_letters add constraint dead_letters_target_id_fkey
  foreign key (target_id) references synchub.sync_targets (id) on delete set null;

-- The old sync path: its functions, types and the connection columns now on targets.
drop function synchub.sync_bookkeeping(jsonb, jsonb);
drop function synchub.begin_syncs(jsonb);
drop function synchub.complete_syncs(jsonb);
drop function synchub.release_sync_claims(uuid, text);
drop type synchub.sync_opening;
drop type synchub.sync_closing;
drop trigger connections_enqueue_first_sync on synchub.connections;
drop function synchub.enqueue_first_sync();
alter table synchub.connections
  drop column status,
  drop column paused_reason,
  drop column sync_status,
  drop column sync_error,
  drop column sync_error_class,
  drop column last_synced_at,
  drop column next_sync_at,
  drop column consecutive_failures,
  drop column auth_failures,
  drop column pacing_min_interval_ms,
  drop column pacing_hourly_cap,
  drop column sync_holder,
  drop column sync_holder_until;
drop domain synchub.connection_status;
drop domain synchub.sync_status;
drop domain synchub.failure_count;
drop domain synchub.interval_ms;
drop domain synchub.hourly_cap;

-- A new connection gets its llm.costs target (same id) and its first sync, in the same
-- transaction; deleting the connection deletes the target (and so its runs).
create function synchub.create_llm_costs_target() returns trigger
language plpgsql as $$
begin
  insert into synchub.sync_targets (id, kind, subject_id, pool, interval_ms, priority)
  select new.id, 'llm.costs', new.id, new.provider,
    (extract(epoch from synchub.tier_interval(t.tier)) * 1000)::integer, synchub.tier_priority(t.tier)
  from synchub.tenants t where t.id = new.tenant_id;
  perform synchub.request_sync(new.id, 'created');
  return new;
end
$$;
create trigger connections_create_target after insert on synchub.connections
  for each row execute function synchub.create_llm_costs_target();

create function synchub.delete_llm_costs_target() returns trigger
language plpgsql as $$
begin
  delete from synchub.sync_targets where kind = 'llm.costs' and subject_id = old.id;
  return old;
end
$$;
create trigger connections_delete_target after delete on synchub.connections
  for each row execute function synchub.delete_llm_costs_target();

-- A tenant's tier sets its connections' interval and priority (SPEC S1).
create function synchub.apply_tenant_tier() returns trigger
language plpgsql as $$
begin
  update synchub.sync_targets s
  set interval_ms = (extract(epoch from synchub.tier_interval(new.tier)) * 1000)::integer,
      priority = synchub.tier_priority(new.tier),
      updated_at = now()
  from synchub.connections c
  where c.tenant_id = new.id and s.kind = 'llm.costs' and s.subject_id = c.id;
  return new;
end
$$;
create trigger tenants_apply_tier after update of tier on synchub.tenants
  for each row when (old.tier is distinct from new.tier)
  execute function synchub.apply_tenant_tier();

-- Asks for a sync of one target, in the caller's transaction: one pending job per target. A
-- pending retry keeps its attempt (and dead letter): a manual or SQL request continues it now,
-- a scheduled one leaves it alone.
create function synchub.request_target_sync(target_id uuid, trigger text)
returns bigint
language plpgsql volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_key text := 'sync:' || target_id::text;
  v_pending jsonb;
  v_job_id bigint;
begin
  if trigger is null or trigger not in ('schedule', 'manual', 'sql', 'created', 'webhook') then
    raise exception 'synchub.request_target_sync: trigger must be one of schedule, manual, sql, created, webhook (got %)',
      coalesce(pg_catalog.quote_literal(trigger), 'null')
      using errcode = 'invalid_parameter_value';
  end if;
  if not exists (select 1 from synchub.sync_targets s where s.id = request_target_sync.target_id) then
    raise exception 'synchub.request_target_sync: no sync target with id %', target_id
      using errcode = 'no_data_found';
  end if;

  -- The pending (not running) job of this target, if any. Its payload is not in
  -- graphile-worker's public jobs view, hence the private table, read only here.
  select j.id, j.payload::jsonb into v_job_id, v_pending
  from graphile_worker._private_jobs j
  where j.key = v_key and j.locked_at is null and j.attempts < j.max_attempts;
  if v_job_id is not null and trigger = 'schedule' then
    return v_job_id;
  end if;

  select (graphile_worker.add_job(
    'sync.target',
    pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
      'targetId', target_id,
      'trigger', trigger,
      'attempt', coalesce((v_pending ->> 'attempt')::integer, 1),
      'deadLetterId', v_pending -> 'deadLetterId'
    ))::json,
    priority := case when trigger = 'schedule'
      then (select s.priority from synchub.sync_targets s where s.id = request_target_sync.target_id)
      else 0 end,
    max_attempts := 5,
    job_key := v_key,
    -- Manual and SQL requests run now, even when a retry's backoff said later.
    job_key_mode := case when trigger in ('manual', 'sql', 'webhook') then 'replace' else 'preserve_run_at' end
  )).id into v_job_id;
  return v_job_id;
end
$$;
revoke execute on function synchub.request_target_sync(uuid, text) from public;
grant execute on function synchub.request_target_sync(uuid, text) to synchub_caller;

-- S1's SQL entry point, kept: a connection's sync is its llm.costs target's.
create or replace function synchub.request_sync(connection_id uuid, trigger text default 'sql')
returns bigint
language plpgsql volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_target_id uuid;
begin
  if trigger is null or trigger not in ('schedule', 'manual', 'sql', 'created') then
    raise exception 'synchub.request_sync: trigger must be one of schedule, manual, sql, created (got %)',
      coalesce(pg_catalog.quote_literal(trigger), 'null')
      using errcode = 'invalid_parameter_value';
  end if;
  select s.id into v_target_id
  from synchub.sync_targets s
  where s.kind = 'llm.costs' and s.subject_id = request_sync.connection_id;
  if v_target_id is null then
    raise exception 'synchub.request_sync: no connection with id %', connection_id
      using errcode = 'no_data_found';
  end if;
  return synchub.request_target_sync(v_target_id, trigger);
end
$$;

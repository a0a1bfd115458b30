-- Bounded history (issue 15). Run rows are kept for a retention period; before they go, their
-- counts are rolled up, so /metrics' counters never go down and charts outlive the rows.
--
--   run_rollups  per hour of finishing, task, kind, pool, status and duration bucket: charts and
--                "the last 24 hours" read these (plus the runs not rolled up yet).
--   run_totals   the same without the hour: all-time counters, a few hundred rows at most.
--   run_rollup_state.rolled_up_until
--                every run that finished before this instant is counted in both tables; runs
--                finishing at or after it are counted from synchub.runs directly. Readers take
--                both sides in one statement (one snapshot), so a roll-up never double counts.

-- The duration buckets of synchub_sync_run_duration_seconds (0.1 0.5 1 5 15 60 300 900 s, +Inf),
-- as an index 0..8. Kept here so SQL and the rollups agree on one definition.
create function synchub.duration_bucket(p_duration_ms bigint)
returns smallint
language sql immutable parallel safe
as $$
  select case
    when p_duration_ms is null or p_duration_ms <= 100 then 0
    when p_duration_ms <= 500 then 1
    when p_duration_ms <= 1000 then 2
    when p_duration_ms <= 5000 then 3
    when p_duration_ms <= 15000 then 4
    when p_duration_ms <= 60000 then 5
    when p_duration_ms <= 300000 then 6
    when p_duration_ms <= 900000 then 7
    else 8
  end::smallint
$$;

create table synchub.run_rollups (
  hour timestamptz not null,
  task text not null,
  -- '' for runs without a target (business jobs, ticks): a primary key column cannot be null.
  kind text not null,
  pool text not null,
  status synchub.run_status not null,
  duration_bucket smallint not null check (duration_bucket between 0 and 8),
  runs bigint not null check (runs >= 0),
  duration_ms_sum bigint not null,
  last_finished_at timestamptz not null,
  primary key (hour, task, kind, pool, status, duration_bucket)
);

create table synchub.run_totals (
  task text not null,
  kind text not null,
  pool text not null,
  status synchub.run_status not null,
  duration_bucket smallint not null check (duration_bucket between 0 and 8),
  runs bigint not null check (runs >= 0),
  duration_ms_sum bigint not null,
  last_finished_at timestamptz not null,
  primary key (task, kind, pool, status, duration_bucket)
);

create table synchub.run_rollup_state (
  only_row boolean primary key default true check (only_row),
  rolled_up_until timestamptz not null
);
insert into synchub.run_rollup_state (rolled_up_until) values ('-infinity');

-- Reading "runs finished since the watermark" and pruning by age both go by finish time.
create index runs_finished_idx on synchub.runs (finished_at) where finished_at is not null;
-- Deleting a run sets these references to null: without an index each delete would scan the table.
create index runs_parent_run_idx on synchub.runs (parent_run_id) where parent_run_id is not null;
create index runs_dead_letter_idx on synchub.runs (dead_letter_id) where dead_letter_id is not null;
create index credit_ledger_run_idx on synchub.credit_ledger (run_id) where run_id is not null;
-- Closed dead letters are pruned by the time they were closed.
create index dead_letters_closed_idx on synchub.dead_letters (closed_at) where status in ('resolved', 'discarded');

-- Every finished run as the counts see it: its hour of finishing, pool and kind (from its target,
-- one index probe per run; offset 0 keeps the planner from hashing every target instead) and
-- duration bucket. The one definition the roll-up, the deleted-target trigger and the readers of
-- "runs not rolled up yet" share.
create view synchub.finished_runs as
select r.id, r.target_id, r.task, coalesce(r.kind, t.kind, '') as kind, coalesce(t.pool, '') as pool,
  r.status, r.finished_at, date_trunc('hour', r.finished_at) as hour, d.ms as duration_ms,
  synchub.duration_bucket(d.ms) as duration_bucket
from synchub.runs r
left join lateral (
  select s.pool, s.kind from synchub.sync_targets s where s.id = r.target_id offset 0
) t on true
cross join lateral (
  select coalesce(r.duration_ms, (extract(epoch from r.finished_at - r.started_at) * 1000)::bigint)::bigint as ms
) d
where r.finished_at is not null and r.status <> 'running';

-- Adds counted runs (rows shaped like run_rollups) to the hourly rollups and the all-time totals:
-- the one place a count is added. Answers how many runs that was.
create function synchub.add_run_counts(p_counts synchub.run_rollups[])
returns bigint
language sql volatile
as $$
  with batch as (select * from unnest(p_counts)),
  hourly as (
    insert into synchub.run_rollups as u
    select * from batch
    on conflict (hour, task, kind, pool, status, duration_bucket) do update
      set runs = u.runs + excluded.runs,
          duration_ms_sum = u.duration_ms_sum + excluded.duration_ms_sum,
          last_finished_at = greatest(u.last_finished_at, excluded.last_finished_at)
  ),
  totals as (
    insert into synchub.run_totals as u
    select task, kind, pool, status, duration_bucket, sum(runs), sum(duration_ms_sum), max(last_finished_at)
    from batch
    group by 1, 2, 3, 4, 5
    on conflict (task, kind, pool, status, duration_bucket) do update
      set runs = u.runs + excluded.runs,
          duration_ms_sum = u.duration_ms_sum + excluded.duration_ms_sum,
          last_finished_at = greatest(u.last_finished_at, excluded.last_finished_at)
  )
  select coalesce(sum(runs), 0)::bigint from batch
$$;

-- Counts every run that finished in [watermark, p_until) into both tables and moves the
-- watermark. The state row's lock makes concurrent calls take turns; the second finds nothing new.
-- p_until stays a little behind now() (the caller's grace) so a run whose finish was stamped just
-- before it, in a transaction not yet committed, is not skipped.
create function synchub.roll_up_runs(p_until timestamptz)
returns bigint
language plpgsql volatile
as $$
declare
  v_from timestamptz;
  v_runs bigint;
begin
  select rolled_up_until into v_from from synchub.run_rollup_state for update;
  if p_until <= v_from then
    return 0;
  end if;
  v_runs := synchub.add_run_counts(array(
    select row(hour, task, kind, pool, status, duration_bucket, count(*), sum(duration_ms), max(finished_at))::synchub.run_rollups
    from synchub.finished_runs
    where finished_at >= v_from and finished_at < p_until
    group by hour, task, kind, pool, status, duration_bucket));
  update synchub.run_rollup_state set rolled_up_until = p_until;
  return v_runs;
end;
$$;

-- Every run, counted: the totals plus what finished since the watermark, in one snapshot.
-- /metrics reads this; it grows with tasks, kinds and pools, not with history.
create view synchub.run_counts as
with recent as (
  select task, kind, pool, status, duration_bucket, count(*) as runs, sum(duration_ms) as duration_ms_sum,
    max(finished_at) as last_finished_at
  from synchub.finished_runs
  where finished_at >= (select rolled_up_until from synchub.run_rollup_state)
  group by 1, 2, 3, 4, 5
),
both_sides as (
  select task, kind, pool, status, duration_bucket, runs, duration_ms_sum, last_finished_at
  from synchub.run_totals
  union all
  select task, kind, pool, status, duration_bucket, runs, duration_ms_sum, last_finished_at from recent
)
select task, kind, pool, status, duration_bucket, sum(runs)::bigint as runs,
  sum(duration_ms_sum)::bigint as duration_ms_sum, max(last_finished_at) as last_finished_at
from both_sides
group by 1, 2, 3, 4, 5;

-- The recurring upkeep, as schedule rows the tick enqueues like any other job.
insert into synchub.schedules (name, task, cron, time_zone, missed_policy, description)
values
  ('runs.rollup', 'runs.rollup', '*/5 * * * *', 'UTC', 'skip',
   'Counts finished runs into the hourly rollups and all-time totals that /metrics, health and charts read.'),
  ('history.prune', 'history.prune', '17 * * * *', 'UTC', 'skip',
   'Deletes runs older than SYNCHUB_RUN_RETENTION_DAYS (after rolling them up), closed dead letters and audit rows past their own retention.');

-- The Overview's "Needs attention" list, over all targets: the ones a person must look at are few,
-- so a partial index holds just them, in the list's order.
create index sync_targets_attention_idx on synchub.sync_targets (updated_at desc, id desc)
  where (status = 'paused' and auth_failures > 0) or sync_status = 'failed' or last_synced_at is null;
-- /health/sync names the first few per pool and kind.
create index sync_targets_attention_group_idx on synchub.sync_targets (pool, kind, updated_at desc, id desc)
  where (status = 'paused' and auth_failures > 0) or sync_status = 'failed' or last_synced_at is null;
create index dead_letters_open_target_idx on synchub.dead_letters (target_id) where status = 'open';

-- Deleting a target deletes its runs (on delete cascade), and with them any not rolled up yet:
-- count those first, so no counter goes down. The state row's lock keeps a concurrent roll-up
-- from counting them too.
create function synchub.count_runs_of_deleted_target()
returns trigger
language plpgsql
as $$
declare
  v_from timestamptz;
begin
  select rolled_up_until into v_from from synchub.run_rollup_state for update;
  perform synchub.add_run_counts(array(
    select row(hour, task, kind, pool, status, duration_bucket, count(*), sum(duration_ms), max(finished_at))::synchub.run_rollups
    from synchub.finished_runs
    where target_id = old.id and finished_at >= v_from
    group by hour, task, kind, pool, status, duration_bucket));
  return old;
end;
$$;

create trigger sync_targets_count_runs_before_delete
  before delete on synchub.sync_targets
  for each row execute function synchub.count_runs_of_deleted_target();

-- A run is finished once. The reaper marks a silent worker's runs failed; if that worker was only
-- stalled and finishes later, its success must not rewrite a run already counted as failed.
create or replace function synchub.complete_sync(
  p_run_id bigint, p_target_id uuid, p_holder text, p_pool text, p_slot integer,
  p_started_at timestamptz, p_next_sync_at timestamptz, p_dead_letter_id bigint
)
returns void
language plpgsql volatile
as $$
begin
  perform set_config('synchronous_commit', 'off', true);
  update synchub.runs
  set status = 'succeeded', finished_at = now(),
      duration_ms = (extract(epoch from now() - started_at) * 1000)::integer
  where id = p_run_id and status = 'running';
  update synchub.sync_targets
  set sync_status = 'ok', sync_error = null, sync_error_class = null, consecutive_failures = 0,
      auth_failures = 0, last_synced_at = p_started_at, next_sync_at = p_next_sync_at,
      claimed_by = null, claimed_until = null, updated_at = now()
  where id = p_target_id;
  update synchub.pool_slots set claimed_by = null, claimed_until = null
  where pool = p_pool and slot = p_slot and claimed_by = p_holder;
  if p_dead_letter_id is not null then
    update synchub.dead_letters
    set status = 'resolved', closed_at = now(), closed_by = 'replay', next_auto_retry_at = null
    where id = p_dead_letter_id and status in ('open', 'replaying');
  end if;
end
$$;

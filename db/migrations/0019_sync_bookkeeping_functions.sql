-- Opening and closing a target's sync as two functions, so each is one round trip from the
-- worker instead of a transaction of four or five statements (the engine-overhead floor in
-- issue 14). The steps are the same plain statements packages/db/src/repositories/
-- syncBookkeeping.ts sent one by one.

-- Claims the target and a slot of its pool and opens the run. Answers one row: outcome
-- 'started' (with the run, the slot and what the loop needs of the target and its pool),
-- 'missing', 'paused' or 'busy' (the target is claimed elsewhere or every slot is held; nothing
-- is kept).
create function synchub.begin_sync(
  p_target_id uuid, p_holder text, p_job_id text, p_task text, p_attempt integer,
  p_trigger text, p_ttl_ms integer
)
returns table (
  outcome text, run_id bigint, slot integer, kind text, subject_id uuid, pool text,
  interval_ms integer, previous_sync_status text, last_synced_at timestamptz,
  consecutive_failures integer, auth_failures integer, pacing_min_interval_ms integer,
  pacing_hourly_cap integer, pool_min_interval_ms integer, pool_hourly_cap integer,
  pool_max_concurrency integer
)
language plpgsql volatile
as $$
declare
  t record;
  v_until timestamptz := now() + p_ttl_ms * interval '1 millisecond';
  v_slot integer;
  v_run_id bigint;
begin
  -- Bookkeeping need not wait for its WAL flush: a claim or run row lost to a crash is retried or
  -- reaped, and the job's own completion, committed after, flushes this commit with it.
  perform set_config('synchronous_commit', 'off', true);
  select s.*, p.min_interval_ms as p_min_interval_ms, p.hourly_cap as p_hourly_cap,
    p.max_concurrency as p_max_concurrency
  into t
  from synchub.sync_targets s join synchub.pools p on p.name = s.pool
  where s.id = p_target_id
  for update of s;
  if not found then
    return query select 'missing', null::bigint, null::integer, null, null::uuid, null, null::integer,
      null, null::timestamptz, null::integer, null::integer, null::integer, null::integer,
      null::integer, null::integer, null::integer;
    return;
  end if;
  if t.status <> 'active' then
    return query select 'paused', null::bigint, null::integer, t.kind, t.subject_id, t.pool,
      null::integer, null, null::timestamptz, null::integer, null::integer, null::integer,
      null::integer, t.p_min_interval_ms, null::integer, null::integer;
    return;
  end if;

  if t.claimed_by is null or t.claimed_until < now() then
    -- A free slot of the pool; slots are created on first use and when the cap is raised.
    for attempt in 1..2 loop
      update synchub.pool_slots s set claimed_by = p_holder, claimed_until = v_until
      where (s.pool, s.slot) = (
        select f.pool, f.slot from synchub.pool_slots f
        where f.pool = t.pool and f.slot < t.p_max_concurrency
          and (f.claimed_by is null or f.claimed_until < now())
        order by f.slot
        limit 1
        for update skip locked
      )
      returning s.slot into v_slot;
      exit when v_slot is not null;
      insert into synchub.pool_slots (pool, slot)
      select t.pool, n from generate_series(0, t.p_max_concurrency - 1) as n
      on conflict do nothing;
      exit when not found;
    end loop;
  end if;
  if v_slot is null then
    return query select 'busy', null::bigint, null::integer, t.kind, t.subject_id, t.pool,
      null::integer, null, null::timestamptz, null::integer, null::integer, null::integer,
      null::integer, t.p_min_interval_ms, null::integer, null::integer;
    return;
  end if;

  -- The next sync moves one interval out while this one runs, so a tick meanwhile does not
  -- enqueue it again; the run's outcome then sets the true next time.
  update synchub.sync_targets
  set claimed_by = p_holder, claimed_until = v_until, sync_status = 'running',
      next_sync_at = greatest(t.next_sync_at, now() + t.interval_ms * interval '1 millisecond'),
      updated_at = now()
  where id = p_target_id;
  insert into synchub.runs (task, kind, target_id, trigger, attempt, job_id)
  values (p_task, t.kind, p_target_id, p_trigger, p_attempt, p_job_id)
  returning id into v_run_id;

  return query select 'started', v_run_id, v_slot, t.kind, t.subject_id, t.pool, t.interval_ms,
    t.sync_status, t.last_synced_at, t.consecutive_failures, t.auth_failures,
    t.pacing_min_interval_ms, t.pacing_hourly_cap, t.p_min_interval_ms, t.p_hourly_cap,
    t.p_max_concurrency;
end
$$;

-- Closes a successful sync: the run, the target's new state, both claims, and the dead letter a
-- replay came from.
create function synchub.complete_sync(
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
  where id = p_run_id;
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

-- Retries that keep their word (issue 14, item 5). A sync waiting out its retry backoff is a
-- pending job whose payload carries its attempt (and, for a replay, its dead letter). Until now
-- a manual or SQL request replaced that payload (the attempt was lost, so a long outage could
-- retry forever without reaching the dead letters) and kept the backoff's run_at (so "Sync now"
-- waited for it). Now a manual or SQL request continues the pending attempt and runs now; a
-- scheduled request leaves a pending job alone (so does the tick, packages/jobs/src/tasks/syncTick.ts).

-- A replayed dead letter runs with the trigger 'replay', and its run names the letter.
alter domain synchub.run_trigger drop constraint run_trigger_values;
alter domain synchub.run_trigger add constraint run_trigger_values
  check (value in ('schedule', 'manual', 'sql', 'created', 'replay'));
alter table synchub.sync_runs
  add column dead_letter_id bigint references synchub.dead_letters (id) on delete set null;

create or replace function synchub.request_sync(connection_id uuid, trigger text default 'sql')
returns bigint
language plpgsql volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_key text := 'sync:' || connection_id::text;
  v_pending jsonb;
  v_job_id bigint;
begin
  if trigger is null or trigger not in ('schedule', 'manual', 'sql', 'created') then
    raise exception 'synchub.request_sync: trigger must be one of schedule, manual, sql, created (got %)',
      coalesce(pg_catalog.quote_literal(trigger), 'null')
      using errcode = 'invalid_parameter_value';
  end if;
  if not exists (select 1 from synchub.connections c where c.id = request_sync.connection_id) then
    raise exception 'synchub.request_sync: no connection with id %', connection_id
      using errcode = 'no_data_found';
  end if;

  -- The pending (not running) job of this connection, if any. Its payload is not in
  -- graphile-worker's public jobs view, hence the private table, read only here.
  select j.id, j.payload::jsonb into v_job_id, v_pending
  from graphile_worker._private_jobs j
  where j.key = v_key and j.locked_at is null and j.attempts < j.max_attempts;

  if v_job_id is not null and trigger = 'schedule' then
    -- A retry or a deferral is already waiting: it keeps its attempt, trigger and time.
    return v_job_id;
  end if;

  select (graphile_worker.add_job(
    'sync.connection',
    pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
      'connectionId', connection_id,
      'trigger', trigger,
      -- A request that meets a pending retry continues its attempt (and its dead letter).
      'attempt', coalesce((v_pending ->> 'attempt')::integer, 1),
      'deadLetterId', v_pending -> 'deadLetterId'
    ))::json,
    priority := case when trigger in ('manual', 'sql', 'created') then 0 else 30 end,
    max_attempts := 5,
    job_key := v_key,
    -- Manual and SQL requests run now, even when a retry's backoff said later.
    job_key_mode := case when trigger in ('manual', 'sql') then 'replace' else 'preserve_run_at' end
  )).id into v_job_id;
  return v_job_id;
end
$$;

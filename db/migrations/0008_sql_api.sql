-- SQL triggers for database users who own nothing of ours: a host application's role is granted
-- synchub_caller and may then enqueue work with `select synchub.request_sync(...)` or
-- `select synchub.run_schedule(...)` (or a row change through a trigger) without any privilege on
-- synchub's tables. The functions run as their owner (security definer) with a search_path that
-- a caller cannot hijack, so every name inside them is schema-qualified.

do $$
begin
  -- Roles are cluster-wide: another database on the same server may have created it already.
  if not exists (select 1 from pg_catalog.pg_roles where rolname = 'synchub_caller') then
    create role synchub_caller nologin;
  end if;
end
$$;

create or replace function synchub.request_sync(connection_id uuid, trigger text default 'sql')
returns bigint
language plpgsql volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  job_id bigint;
begin
  if not exists (select 1 from synchub.connections c where c.id = request_sync.connection_id) then
    raise exception 'synchub.request_sync: no connection with id %', connection_id
      using errcode = 'no_data_found';
  end if;
  select (graphile_worker.add_job(
    'sync.connection',
    pg_catalog.json_build_object('connectionId', connection_id, 'trigger', trigger),
    priority := case when trigger in ('manual', 'sql', 'created') then 0 else 30 end,
    max_attempts := 5,
    job_key := 'sync:' || connection_id::text,
    job_key_mode := 'preserve_run_at'
  )).id into job_id;
  return job_id;
end
$$;

-- Run now, from SQL: the same ledger semantics as runScheduleNow (packages/db/src/repositories/
-- schedules.ts): a `manual` occurrence at the current second, enqueued only when this call
-- inserted that ledger row, in the caller's transaction. Calling twice within one second
-- enqueues once (the second call returns null). Returns the graphile-worker job id.
create function synchub.run_schedule(name text)
returns bigint
language plpgsql volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_schedule_id uuid;
  v_task text;
  v_payload jsonb;
  v_at timestamptz := pg_catalog.date_trunc('second', pg_catalog.now());
  v_job_id bigint;
begin
  select s.id, s.task, s.payload into v_schedule_id, v_task, v_payload
  from synchub.schedules s
  where s.name = run_schedule.name;
  if not found then
    raise exception 'synchub.run_schedule: no schedule named %', pg_catalog.quote_literal(run_schedule.name)
      using errcode = 'no_data_found';
  end if;

  insert into synchub.schedule_occurrences (schedule_id, occurrence_at, source, status)
  values (v_schedule_id, v_at, 'manual', 'enqueued')
  on conflict (schedule_id, occurrence_at) do nothing;
  if not found then
    return null;
  end if;

  v_job_id := (graphile_worker.add_job(v_task, v_payload::json, run_at := v_at)).id;
  update synchub.schedule_occurrences o
  set job_id = v_job_id::text
  where o.schedule_id = v_schedule_id and o.occurrence_at = v_at;
  return v_job_id;
end
$$;

-- An example trigger function for a host table: a row change asks for a sync of the connection
-- the row names, in the same transaction as the change. Attach it with
--   create trigger accounts_sync after insert or update of synchub_connection_id, plan on app.accounts
--     for each row execute function synchub.example_enqueue_sync_on_change('synchub_connection_id');
-- The argument is the column holding the connection id (Default: synchub_connection_id); rows
-- where it is null are ignored. The writer's role needs synchub_caller (request_sync checks it).
create function synchub.example_enqueue_sync_on_change()
returns trigger
language plpgsql volatile
set search_path = pg_catalog, pg_temp
as $$
declare
  v_column text := coalesce(tg_argv[0], 'synchub_connection_id');
  v_connection_id uuid;
begin
  if tg_op = 'DELETE' then
    return old;
  end if;
  v_connection_id := (pg_catalog.to_jsonb(new) ->> v_column)::uuid;
  if v_connection_id is not null then
    perform synchub.request_sync(v_connection_id, 'sql');
  end if;
  return new;
end
$$;

-- Functions are executable by PUBLIC by default; only synchub_caller (and the owner) may enqueue.
revoke execute on function synchub.request_sync(uuid, text) from public;
revoke execute on function synchub.run_schedule(text) from public;
grant usage on schema synchub to synchub_caller;
grant execute on function synchub.request_sync(uuid, text) to synchub_caller;
grant execute on function synchub.run_schedule(text) to synchub_caller;

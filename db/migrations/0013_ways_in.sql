-- The ways in hold (issue 12): state that the HTTP server shares across processes, and a SQL
-- entry point that refuses what its task would refuse.

-- Login throttling (rate-limiter-flexible's Postgres store, created here so the server needs no
-- DDL rights). Keys are "<limiter>:<username or address>"; points count failed logins, expire is
-- the end of the window in epoch milliseconds.
create table synchub.login_throttle (
  key varchar(255) primary key,
  points integer not null default 0,
  expire bigint
);

-- QStash deliveries already accepted, by the token's jti, kept until the token expires: a
-- signed request replayed within its lifetime is refused.
create table synchub.qstash_deliveries (
  jti text primary key check (length(jti) between 1 and 200),
  expires_at timestamptz not null,
  accepted_at timestamptz not null default now()
);
create index qstash_deliveries_expires_at on synchub.qstash_deliveries (expires_at);

-- SQL callers may name only the triggers the sync task accepts; anything else used to enqueue a
-- job that failed validation on every attempt and replaced a valid pending sync.
create or replace function synchub.request_sync(connection_id uuid, trigger text default 'sql')
returns bigint
language plpgsql volatile
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  job_id bigint;
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

-- synchub's own objects live in one schema so they never collide with the host application's tables.
create schema if not exists synchub;

create table synchub.tenants (
  id uuid primary key default gen_random_uuid(),
  name text not null,
  tier text not null check (tier in ('enterprise', 'pro', 'free')),
  last_active_at timestamptz,
  created_at timestamptz not null default now()
);

create table synchub.connections (
  id uuid primary key default gen_random_uuid(),
  tenant_id uuid not null references synchub.tenants (id) on delete cascade,
  provider text not null,
  name text not null,
  -- Provider API base URL; null means the provider's public API.
  base_url text,
  -- AES-256-GCM envelope ("v1.<iv>.<tag>.<ciphertext>", base64url); never leaves the server.
  credentials_encrypted text not null,
  status text not null default 'active' check (status in ('active', 'paused')),
  paused_reason text,
  sync_status text not null default 'pending' check (sync_status in ('pending', 'running', 'ok', 'failed')),
  sync_error text,
  -- The watermark: the next sync fetches from the day before this (providers revise recent days).
  last_synced_at timestamptz,
  next_sync_at timestamptz not null default now(),
  consecutive_failures integer not null default 0 check (consecutive_failures >= 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index connections_tenant_idx on synchub.connections (tenant_id);
create index connections_due_idx on synchub.connections (next_sync_at) where status = 'active';

create table synchub.cost_rows (
  connection_id uuid not null references synchub.connections (id) on delete cascade,
  day date not null,
  line_item text not null,
  amount numeric(20, 8) not null,
  currency text not null,
  updated_at timestamptz not null default now(),
  primary key (connection_id, day, line_item)
);

create table synchub.sync_runs (
  id bigint generated always as identity primary key,
  connection_id uuid not null references synchub.connections (id) on delete cascade,
  trigger text not null check (trigger in ('schedule', 'manual', 'sql', 'created')),
  status text not null default 'running' check (status in ('running', 'succeeded', 'failed')),
  job_id text,
  attempt integer not null default 1,
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  pages integer not null default 0,
  rows_fetched integer not null default 0,
  rows_inserted integer not null default 0,
  rows_updated integer not null default 0,
  error text,
  error_class text check (error_class in ('transient', 'permanent'))
);
create index sync_runs_connection_idx on synchub.sync_runs (connection_id, started_at desc);
create index sync_runs_started_idx on synchub.sync_runs (started_at desc);

create table synchub.users (
  id uuid primary key default gen_random_uuid(),
  username text not null unique,
  -- scrypt: "scrypt$<N>$<r>$<p>$<salt b64>$<hash b64>"
  password_hash text not null,
  role text not null check (role in ('viewer', 'operator', 'admin')),
  created_at timestamptz not null default now()
);

create table synchub.sessions (
  -- sha256 of the cookie token: a leaked table cannot be replayed as cookies.
  token_hash text primary key,
  user_id uuid not null references synchub.users (id) on delete cascade,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null
);
create index sessions_user_idx on synchub.sessions (user_id);

-- Interval between scheduled syncs by tenant tier (SPEC S1). Kept in SQL so the scheduler's
-- set-based enqueue and the application agree; domain/tiers.ts mirrors it and a test checks both.
create function synchub.tier_interval(tier text) returns interval
language sql immutable strict as $$
  select case tier
    when 'enterprise' then interval '30 minutes'
    when 'pro' then interval '60 minutes'
    when 'free' then interval '6 hours'
  end
$$;

-- Lower runs first in graphile-worker. Manual and SQL requests jump the scheduled backlog.
create function synchub.tier_priority(tier text) returns smallint
language sql immutable strict as $$
  select case tier when 'enterprise' then 10 when 'pro' then 20 else 30 end::smallint
$$;

-- Enqueues a sync of one connection inside the caller's transaction: a rollback enqueues nothing.
-- One pending job per connection (job_key); a job already waiting keeps its place. No named queue
-- (graphile-worker's queues cost about half its throughput): a running sync holds a lease on its
-- connection instead (synchub.begin_sync).
create function synchub.request_sync(connection_id uuid, trigger text default 'sql')
returns bigint
language plpgsql volatile as $$
declare
  job_id bigint;
begin
  if not exists (select 1 from synchub.connections c where c.id = request_sync.connection_id) then
    raise exception 'synchub.request_sync: no connection with id %', connection_id
      using errcode = 'no_data_found';
  end if;
  select (graphile_worker.add_job(
    'sync.connection',
    json_build_object('connectionId', connection_id, 'trigger', trigger),
    priority := case when trigger in ('manual', 'sql', 'created') then 0 else 30 end,
    max_attempts := 5,
    job_key := 'sync:' || connection_id::text,
    job_key_mode := 'preserve_run_at'
  )).id into job_id;
  return job_id;
end
$$;

-- A new active connection gets its first sync right away, in the same transaction as its insert.
create function synchub.enqueue_first_sync() returns trigger
language plpgsql as $$
begin
  if new.status = 'active' then
    perform synchub.request_sync(new.id, 'created');
  end if;
  return new;
end
$$;
create trigger connections_enqueue_first_sync
  after insert on synchub.connections
  for each row execute function synchub.enqueue_first_sync();

-- Pacing defaults per provider (SPEC S1). A connection may override them for its own credential.
create table synchub.provider_settings (
  provider text primary key,
  min_interval_ms integer not null check (min_interval_ms >= 0),
  hourly_cap integer not null check (hourly_cap > 0),
  -- Syncs of this provider running at once, across all workers.
  max_concurrency integer not null default 4 check (max_concurrency > 0),
  updated_at timestamptz not null default now()
);
insert into synchub.provider_settings (provider, min_interval_ms, hourly_cap) values
  ('openai', 10000, 360),
  ('anthropic', 10000, 360),
  ('openrouter', 5000, 720),
  ('volcengine', 10000, 360);

alter table synchub.connections
  add column pacing_min_interval_ms integer check (pacing_min_interval_ms >= 0),
  add column pacing_hourly_cap integer check (pacing_hourly_cap > 0);

-- One row per pacing key ('provider:openai', 'credential:<connection id>'), shared by every worker.
-- A call reserves the next slot in one conditional update; a 429 pauses the key for everyone.
create table synchub.rate_limits (
  key text primary key,
  min_interval_ms integer not null check (min_interval_ms >= 0),
  hourly_cap integer not null check (hourly_cap > 0),
  next_allowed_at timestamptz not null default '-infinity',
  window_started_at timestamptz not null default now(),
  window_count integer not null default 0,
  paused_until timestamptz,
  pause_reason text,
  deferrals bigint not null default 0,
  throttled bigint not null default 0,
  updated_at timestamptz not null default now()
);

-- Running syncs per provider: a lease per job, renewed while it runs; a crashed holder's lease expires.
create table synchub.concurrency_leases (
  key text not null,
  holder text not null,
  expires_at timestamptz not null,
  primary key (key, holder)
);

create table synchub.dead_letters (
  id bigint generated always as identity primary key,
  task text not null,
  payload jsonb not null,
  -- How the job was enqueued, so a replay lands in the same dedupe key and queue.
  job_key text,
  queue_name text,
  connection_id uuid references synchub.connections (id) on delete set null,
  error_class text not null check (error_class in ('transient', 'permanent')),
  error text not null,
  -- Same task, class and message shape (ids and numbers stripped) = same cause, grouped together.
  fingerprint text not null,
  attempts integer not null,
  first_failed_at timestamptz not null default now(),
  last_failed_at timestamptz not null default now(),
  status text not null default 'open' check (status in ('open', 'replaying', 'resolved', 'discarded')),
  auto_retries integer not null default 0,
  next_auto_retry_at timestamptz,
  discard_reason text,
  closed_at timestamptz,
  closed_by text
);
create index dead_letters_open_idx on synchub.dead_letters (fingerprint, last_failed_at desc) where status = 'open';
create index dead_letters_auto_retry_idx on synchub.dead_letters (next_auto_retry_at)
  where status = 'open' and next_auto_retry_at is not null;

create table synchub.audit_log (
  id bigint generated always as identity primary key,
  at timestamptz not null default now(),
  actor text not null,
  action text not null,
  object_type text not null,
  object_id text,
  details jsonb not null default '{}'
);
create index audit_log_at_idx on synchub.audit_log (at desc);

alter table synchub.connections
  add column sync_error_class text check (sync_error_class in ('transient', 'permanent')),
  -- Authentication failures in a row; at 3 the connection is paused with the reason.
  add column auth_failures integer not null default 0 check (auth_failures >= 0);

-- A run that found no rate-limit budget ends as 'deferred' and its job waits for the budget.
alter table synchub.sync_runs drop constraint sync_runs_status_check;
alter table synchub.sync_runs
  add constraint sync_runs_status_check check (status in ('running', 'succeeded', 'failed', 'deferred')),
  add column deferred_until timestamptz;

-- Reserves the next call slot of a pacing key: granted when the slot is within max_wait_ms and
-- the hourly cap has room (the caller then waits until `slot`); otherwise not granted and `slot`
-- says when budget returns. One statement under the row lock, so workers never overshoot.
create function synchub.reserve_rate_limit(
  p_key text, p_min_interval_ms integer, p_hourly_cap integer, p_max_wait_ms integer
) returns table (granted boolean, slot timestamptz)
language plpgsql volatile as $$
declare
  r synchub.rate_limits;
  window_start timestamptz;
  used integer;
  candidate timestamptz;
begin
  insert into synchub.rate_limits as rl (key, min_interval_ms, hourly_cap)
  values (p_key, p_min_interval_ms, p_hourly_cap)
  on conflict (key) do update
    set min_interval_ms = excluded.min_interval_ms, hourly_cap = excluded.hourly_cap
    where rl.min_interval_ms <> excluded.min_interval_ms or rl.hourly_cap <> excluded.hourly_cap;
  select * into r from synchub.rate_limits where key = p_key for update;

  if r.window_started_at <= now() - interval '1 hour' then
    window_start := now(); used := 0;
  else
    window_start := r.window_started_at; used := r.window_count;
  end if;
  candidate := greatest(now(), r.next_allowed_at, coalesce(r.paused_until, '-infinity'));

  if used >= r.hourly_cap then
    candidate := greatest(candidate, window_start + interval '1 hour');
  elsif candidate <= now() + make_interval(secs => p_max_wait_ms / 1000.0) then
    update synchub.rate_limits set
      next_allowed_at = candidate + make_interval(secs => r.min_interval_ms / 1000.0),
      window_started_at = window_start,
      window_count = used + 1,
      updated_at = now()
    where key = p_key;
    return query select true, candidate;
    return;
  end if;

  update synchub.rate_limits set deferrals = deferrals + 1, updated_at = now() where key = p_key;
  return query select false, candidate;
end
$$;

-- A 429 with Retry-After pauses the key for every worker.
create function synchub.pause_rate_limit(p_key text, p_until timestamptz, p_reason text) returns void
language sql volatile as $$
  update synchub.rate_limits
  set paused_until = greatest(coalesce(paused_until, '-infinity'), p_until),
      pause_reason = p_reason, throttled = throttled + 1, updated_at = now()
  where key = p_key;
$$;

-- Takes one of `p_cap` concurrent slots of a key (or renews the holder's), false when all are taken.
-- Expired leases (a crashed holder's) only matter when the key looks full, so they are swept then.
create function synchub.acquire_lease(p_key text, p_holder text, p_cap integer, p_ttl_ms integer)
returns boolean
language plpgsql volatile as $$
begin
  -- Serialises acquirers of one key for the rest of this transaction.
  perform pg_advisory_xact_lock(hashtext('synchub.lease:' || p_key));
  if (select count(*) from synchub.concurrency_leases where key = p_key and holder <> p_holder) >= p_cap then
    delete from synchub.concurrency_leases where key = p_key and expires_at < now();
    if (select count(*) from synchub.concurrency_leases where key = p_key and holder <> p_holder) >= p_cap then
      return false;
    end if;
  end if;
  insert into synchub.concurrency_leases (key, holder, expires_at)
  values (p_key, p_holder, now() + make_interval(secs => p_ttl_ms / 1000.0))
  on conflict (key, holder) do update set expires_at = excluded.expires_at;
  return true;
end
$$;

-- Liveness of worker processes, so a SIGKILLed worker's locked jobs are released within about
-- a minute (graphile-worker alone waits 4 hours before it considers a lock stale).
create table synchub.worker_heartbeats (
  -- One row per worker process: its graphile-worker worker ids, so a dead one's locks can be freed.
  process_id text primary key,
  worker_ids text[] not null,
  hostname text not null,
  pid integer not null,
  started_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now()
);

insert into synchub.schedules (name, task, cron, time_zone, missed_policy, description)
values (
  'deadLetters.retry',
  'deadLetters.retry',
  '*/5 * * * *',
  'UTC',
  'once',
  'Replays transient dead letters that are due for another try: at most 5 tries each, 100 per pass.'
);

-- The bookkeeping at both ends of a sync in one round trip each: a sync of nothing should cost
-- little more than graphile-worker's own job handling (see bench/, "engine overhead").
-- Both commit without waiting for the WAL flush: graphile-worker completes the job afterwards
-- with a normal commit, which flushes everything written before it; a crash in between only
-- loses bookkeeping of a job that then runs again, and syncs are idempotent.

-- Claims the connection (one sync at a time) and a provider concurrency slot, opens the run and
-- marks the connection running. outcome: 'started', 'missing', 'paused' or 'busy' (nothing kept).
create function synchub.begin_sync(
  p_connection_id uuid, p_holder text, p_job_id text, p_attempt integer, p_trigger text, p_ttl_ms integer
) returns table (
  outcome text,
  run_id bigint,
  provider text,
  base_url text,
  credentials_encrypted text,
  previous_sync_status text,
  last_synced_at timestamptz,
  consecutive_failures integer,
  auth_failures integer,
  pacing_min_interval_ms integer,
  pacing_hourly_cap integer,
  tier text,
  provider_min_interval_ms integer,
  provider_hourly_cap integer,
  provider_max_concurrency integer
)
language plpgsql volatile as $$
declare
  c record;
  new_run_id bigint;
begin
  perform set_config('synchronous_commit', 'off', true);
  select conn.*, t.tier as tenant_tier, ps.min_interval_ms as ps_interval, ps.hourly_cap as ps_cap,
         ps.max_concurrency as ps_concurrency
    into c
    from synchub.connections conn
    join synchub.tenants t on t.id = conn.tenant_id
    left join synchub.provider_settings ps on ps.provider = conn.provider
   where conn.id = p_connection_id;
  if not found then
    return query select 'missing'::text, null::bigint, null, null, null, null, null::timestamptz,
      null::int, null::int, null::int, null::int, null, null::int, null::int, null::int;
    return;
  end if;
  if c.status = 'paused' then
    return query select 'paused'::text, null::bigint, null, null, null, null, null::timestamptz,
      null::int, null::int, null::int, null::int, null, null::int, null::int, null::int;
    return;
  end if;
  if not synchub.acquire_lease('connection:' || p_connection_id, p_holder, 1, p_ttl_ms)
     or not synchub.acquire_lease('concurrency:' || c.provider, p_holder, coalesce(c.ps_concurrency, 4), p_ttl_ms) then
    delete from synchub.concurrency_leases where holder = p_holder;
    return query select 'busy'::text, null::bigint, null, null, null, null, null::timestamptz,
      null::int, null::int, null::int, null::int, null, c.ps_interval, null::int, null::int;
    return;
  end if;
  insert into synchub.sync_runs (connection_id, trigger, job_id, attempt)
  values (p_connection_id, p_trigger, p_job_id, p_attempt)
  returning id into new_run_id;
  update synchub.connections set sync_status = 'running', updated_at = now() where id = p_connection_id;
  return query select 'started'::text, new_run_id, c.provider, c.base_url, c.credentials_encrypted,
    c.sync_status, c.last_synced_at, c.consecutive_failures, c.auth_failures, c.pacing_min_interval_ms,
    c.pacing_hourly_cap, c.tenant_tier, c.ps_interval, c.ps_cap, c.ps_concurrency;
end
$$;

-- Closes a successful sync: the run, the connection's state, a replayed dead letter, the leases.
create function synchub.complete_sync(
  p_run_id bigint, p_connection_id uuid, p_holder text, p_started_at timestamptz,
  p_next_sync_at timestamptz, p_dead_letter_id bigint
) returns void
language plpgsql volatile as $$
begin
  perform set_config('synchronous_commit', 'off', true);
  update synchub.sync_runs set status = 'succeeded', finished_at = now(), error = null, error_class = null
   where id = p_run_id;
  update synchub.connections
     set sync_status = 'ok', sync_error = null, sync_error_class = null, consecutive_failures = 0,
         auth_failures = 0, last_synced_at = p_started_at, next_sync_at = p_next_sync_at, updated_at = now()
   where id = p_connection_id;
  if p_dead_letter_id is not null then
    update synchub.dead_letters
       set status = 'resolved', closed_at = now(), closed_by = 'replay', next_auto_retry_at = null
     where id = p_dead_letter_id and status in ('open', 'replaying');
  end if;
  delete from synchub.concurrency_leases where holder = p_holder;
end
$$;

-- Cheaper claims for a running sync (bench/, "engine overhead"). Before: a lease row per claim in
-- synchub.concurrency_leases, inserted and deleted for the connection and for the provider on
-- every sync, under a per-key advisory lock that made every start of one provider wait for the
-- others. A no-op sync spent more time there than in the rest of its bookkeeping.
--   * The connection's claim is two columns on its row, set by the update that marks it running.
--   * A provider's concurrency cap is a set of numbered slots, taken with skip locked: starts never
--     wait for each other, and a crashed holder's slot is free again when its claim expires.
--   * Syncs are opened and closed any number per statement (begin_syncs, complete_syncs), so a
--     worker running many at once shares round trips and commits between them (group commit).

alter table synchub.connections
  -- The job syncing this connection ('job:<id>') and until when its claim holds if it never ends.
  add column sync_holder text,
  add column sync_holder_until timestamptz;

-- Every sync updates its connection twice; room on each page lets those updates stay HOT.
alter table synchub.connections set (fillfactor = 70);

create table synchub.provider_slots (
  provider text not null,
  slot integer not null check (slot >= 0),
  holder text,
  held_until timestamptz,
  primary key (provider, slot)
) with (fillfactor = 50);

-- Lets go of what a sync job holds: its provider slot and its connection's claim.
create function synchub.release_sync_claims(p_connection_id uuid, p_holder text)
returns void
language sql volatile as $$
  update synchub.provider_slots set holder = null, held_until = null where holder = p_holder;
  update synchub.connections set sync_holder = null, sync_holder_until = null
   where id = p_connection_id and sync_holder = p_holder;
$$;

-- Opens syncs, any number in one statement (packages/db/src/groupCommit.ts batches a busy
-- worker's syncs). For each item: lock the connection, take a provider slot if the connection is
-- free, open the run if a slot was taken, mark the connection running if the run was opened.
-- Answers per item (by its 1-based position): 'started' with what the sync needs, 'missing',
-- 'paused' or 'busy' (nothing kept). The work per item is one statement, because each statement
-- costs an executor start-up, which was most of a no-op sync's database time. Items go in
-- connection id order, so concurrent batches lock connection rows in the same order.
create function synchub.begin_syncs(p_items jsonb) returns table (
  item integer,
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
  i record;
  r record;
  claim_until timestamptz;
begin
  perform set_config('synchronous_commit', 'off', true);
  for i in select e.ord::int as ord, x.*
             from jsonb_array_elements(p_items) with ordinality as e(v, ord),
                  jsonb_to_record(e.v) as x("connectionId" uuid, holder text, "jobId" text, attempt integer,
                                            trigger text, "ttlMs" integer)
            order by x."connectionId", e.ord loop
    item := i.ord;
    outcome := null;
    run_id := null;
    provider := null; base_url := null; credentials_encrypted := null; previous_sync_status := null;
    last_synced_at := null; consecutive_failures := null; auth_failures := null;
    pacing_min_interval_ms := null; pacing_hourly_cap := null; tier := null;
    provider_min_interval_ms := null; provider_hourly_cap := null; provider_max_concurrency := null;
    claim_until := now() + make_interval(secs => i."ttlMs" / 1000.0);
    for attempt in 1..2 loop
      with c as (
        select conn.provider, conn.base_url, conn.credentials_encrypted, conn.status, conn.sync_status,
               conn.last_synced_at, conn.consecutive_failures, conn.auth_failures,
               conn.pacing_min_interval_ms, conn.pacing_hourly_cap, t.tier,
               ps.min_interval_ms as ps_interval, ps.hourly_cap as ps_cap, ps.max_concurrency as ps_concurrency,
               coalesce(ps.max_concurrency, 4) as cap,
               -- Free unless another job's claim on it is still live.
               conn.sync_holder is null or conn.sync_holder = i.holder or conn.sync_holder_until < now() as free
          from synchub.connections conn
          join synchub.tenants t on t.id = conn.tenant_id
          left join synchub.provider_settings ps on ps.provider = conn.provider
         where conn.id = i."connectionId"
           for update of conn
      ), slot as (
        update synchub.provider_slots s set holder = i.holder, held_until = claim_until
         where (s.provider, s.slot) = (
                 select f.provider, f.slot from synchub.provider_slots f, c
                  where c.status = 'active' and c.free and f.provider = c.provider and f.slot < c.cap
                    and (f.holder is null or f.holder = i.holder or f.held_until < now())
                  order by f.slot
                  limit 1
                    for update of f skip locked)
        returning s.slot
      ), run as (
        insert into synchub.sync_runs (connection_id, trigger, job_id, attempt)
        select i."connectionId", i.trigger, i."jobId", i.attempt from slot
        returning id
      ), claimed as (
        update synchub.connections conn
           set sync_status = 'running', sync_holder = i.holder, sync_holder_until = claim_until,
               updated_at = now()
          from run
         where conn.id = i."connectionId"
        returning run.id
      )
      select c.*, (select claimed.id from claimed) as new_run_id into r from c;

      if not found then
        outcome := 'missing';
      elsif r.status = 'paused' then
        outcome := 'paused';
      elsif r.new_run_id is not null then
        outcome := 'started';
      -- No slot. A provider's slots are created on first use and when its cap is raised (together,
      -- so the highest one tells whether they all exist); a lowered cap just leaves the higher
      -- slots unused once their holders finish. Then one more try, also when they exist: another
      -- job may have created them, or freed one, since this statement's snapshot.
      elsif attempt = 1 and r.free then
        if not exists (
          select from synchub.provider_slots ps where ps.provider = r.provider and ps.slot = r.cap - 1
        ) then
          insert into synchub.provider_slots (provider, slot)
          select r.provider, g from generate_series(0, r.cap - 1) g
          on conflict do nothing;
        end if;
        continue;
      else
        -- Busy: another job is syncing this connection, or all of the provider's slots are taken.
        outcome := 'busy';
        provider_min_interval_ms := r.ps_interval;
      end if;
      exit;
    end loop;
    if outcome = 'started' then
      run_id := r.new_run_id;
      provider := r.provider;
      base_url := r.base_url;
      credentials_encrypted := r.credentials_encrypted;
      previous_sync_status := r.sync_status;
      last_synced_at := r.last_synced_at;
      consecutive_failures := r.consecutive_failures;
      auth_failures := r.auth_failures;
      pacing_min_interval_ms := r.pacing_min_interval_ms;
      pacing_hourly_cap := r.pacing_hourly_cap;
      tier := r.tier;
      provider_min_interval_ms := r.ps_interval;
      provider_hourly_cap := r.ps_cap;
      provider_max_concurrency := r.ps_concurrency;
    end if;
    return next;
  end loop;
end
$$;

-- Replaced by begin_syncs and complete_syncs, which take any number of syncs per statement.
drop function synchub.begin_sync(uuid, text, text, integer, text, integer);
drop function synchub.complete_sync(bigint, uuid, text, timestamptz, timestamptz, bigint);

-- The items of a complete_syncs batch as rows. "rows 4" tells the planner a batch is small, so
-- it looks each item up by index instead of scanning whole tables (plpgsql, because the planner
-- would inline a sql function and lose the hint).
create function synchub.sync_completions(p_items jsonb) returns table (
  run_id bigint, connection_id uuid, holder text, started_at timestamptz, next_sync_at timestamptz,
  dead_letter_id bigint
)
language plpgsql immutable rows 4 as $$
begin
  return query select * from jsonb_to_recordset(p_items) as x(
    "runId" bigint, "connectionId" uuid, holder text, "startedAt" timestamptz,
    "nextSyncAt" timestamptz, "deadLetterId" bigint);
end
$$;

-- Closes successful syncs: their runs, their connections' state, replayed dead letters, their
-- claims. One statement for the whole batch, so a batch costs about what a single sync does.
-- plpgsql rather than sql: its statements' plans are cached for the session.
create function synchub.complete_syncs(p_items jsonb) returns void
language plpgsql volatile as $$
begin
  perform set_config('synchronous_commit', 'off', true);
  with items as materialized (
    select * from synchub.sync_completions(p_items)
  ), runs as (
    update synchub.sync_runs r
       set status = 'succeeded', finished_at = now(), error = null, error_class = null
      from items where r.id = items.run_id
  ), connections as (
    update synchub.connections c
       set sync_status = 'ok', sync_error = null, sync_error_class = null, consecutive_failures = 0,
           auth_failures = 0, last_synced_at = items.started_at, next_sync_at = items.next_sync_at,
           updated_at = now(),
           sync_holder = case when c.sync_holder = items.holder then null else c.sync_holder end,
           sync_holder_until = case when c.sync_holder = items.holder then null else c.sync_holder_until end
      from items where c.id = items.connection_id
  ), letters as (
    update synchub.dead_letters d
       set status = 'resolved', closed_at = now(), closed_by = 'replay', next_auto_retry_at = null
      from items where d.id = items.dead_letter_id and d.status in ('open', 'replaying')
  )
  update synchub.provider_slots s set holder = null, held_until = null
    from items where s.holder = items.holder;
end
$$;

drop function synchub.acquire_lease(text, text, integer, integer);
drop table synchub.concurrency_leases;

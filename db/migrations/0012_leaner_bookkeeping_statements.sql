-- Fewer instructions per sync's bookkeeping (bench/, "engine overhead"); the same answers as 0010.
--   * Items arrive as rows of a composite type (jsonb_populate_recordset) rather than through a
--     column definition list (jsonb_to_record): Postgres built that list's row type again for every
--     statement, from the catalogs, and it cost more than reading the JSON.
--   * No ORDER BY in the loops: packages/db/src/repositories/syncBookkeeping.ts sends items in
--     connection id order, which still makes concurrent batches lock connection rows in the same
--     order. (Should a caller not, the worst case is a deadlock, after which group commit retries
--     the batch's items one by one.)
--   * begin_syncs fills its answer's columns straight from the claim's RETURNING (the provider's
--     settings by an outer join instead of a row subquery) rather than copying them one by one out
--     of a record: each plpgsql assignment is an expression of its own to evaluate.
--   * synchronous_commit is set once per sync_bookkeeping call instead of once in each function.
--     (begin_syncs and complete_syncs called on their own now commit synchronously: slower, not
--     less safe.)
-- Postgres instructions per sync opened and closed (`pnpm bench:instructions`): 1,373,827 before,
-- 1,295,578 after.

-- One sync to open, as sync_bookkeeping's p_begins items carry it (syncBookkeeping.ts BeginSyncInput).
create type synchub.sync_opening as (
  "connectionId" uuid, holder text, "jobId" text, attempt integer, trigger text, "ttlMs" integer);
-- One sync to close (syncBookkeeping.ts CompleteSyncInput).
create type synchub.sync_closing as ("runId" bigint, "connectionId" uuid, holder text, "startedAt" timestamptz,
  "nextSyncAt" timestamptz, "deadLetterId" bigint, provider text, slot integer);

-- Opens syncs, per item by its 1-based position: 'started' with what the sync needs and the slot
-- it holds, 'missing', 'paused' or 'busy' (nothing kept; with the provider's pacing interval).
create or replace function synchub.begin_syncs(p_items jsonb) returns table (
  item integer, outcome text, run_id bigint, slot integer, provider text, base_url text, credentials_encrypted text,
  previous_sync_status text, last_synced_at timestamptz, consecutive_failures integer, auth_failures integer,
  pacing_min_interval_ms integer, pacing_hourly_cap integer, tier text, provider_min_interval_ms integer,
  provider_hourly_cap integer, provider_max_concurrency integer)
language plpgsql volatile set enable_seqscan = off as $$
declare
  i record;
  c record;
begin
  for i in select x.*, now() + make_interval(secs => x."ttlMs" / 1000.0) as claim_until, x.ordinality::int as ord
             from jsonb_populate_recordset(null::synchub.sync_opening, p_items) with ordinality as x loop
    item := i.ord;
    -- The claim: only an active connection that nobody else holds (a claim past its time is let
    -- go). `previous` is the row as it was, for the status to put back should the sync defer.
    update synchub.connections conn
       set sync_status = 'running', sync_holder = i.holder, sync_holder_until = i.claim_until,
           updated_at = now()
      from synchub.connections previous
      join synchub.tenants t on t.id = previous.tenant_id
      left join synchub.provider_settings ps on ps.provider = previous.provider
     where conn.id = i."connectionId" and previous.id = conn.id
       and conn.status = 'active'
       and (conn.sync_holder is null or conn.sync_holder = i.holder or conn.sync_holder_until < now())
    returning conn.provider, conn.base_url, conn.credentials_encrypted, previous.sync_status,
              conn.last_synced_at, conn.consecutive_failures, conn.auth_failures,
              conn.pacing_min_interval_ms, conn.pacing_hourly_cap, t.tier,
              ps.min_interval_ms, ps.hourly_cap, ps.max_concurrency
      into provider, base_url, credentials_encrypted, previous_sync_status, last_synced_at,
           consecutive_failures, auth_failures, pacing_min_interval_ms, pacing_hourly_cap, tier,
           provider_min_interval_ms, provider_hourly_cap, provider_max_concurrency;

    if not found then
      run_id := null; slot := null;
      select conn.status, ps.min_interval_ms into c
        from synchub.connections conn
        left join synchub.provider_settings ps on ps.provider = conn.provider
       where conn.id = i."connectionId";
      if not found then
        outcome := 'missing';
      elsif c.status = 'paused' then
        outcome := 'paused';
      else
        -- Another job is syncing this connection.
        outcome := 'busy';
        provider_min_interval_ms := c.min_interval_ms;
      end if;
      return next;
      continue;
    end if;

    for attempt in 1..2 loop
      update synchub.provider_slots s set holder = i.holder, held_until = i.claim_until
       where (s.provider, s.slot) = (
               select f.provider, f.slot from synchub.provider_slots f
                where f.provider = begin_syncs.provider and f.slot < coalesce(provider_max_concurrency, 4)
                  and (f.holder is null or f.held_until < now())
                order by f.slot
                limit 1
                  for update skip locked)
      returning s.slot into slot;
      exit when slot is not null or attempt = 2;
      -- No slot. A provider's slots are created on first use and when its cap is raised (together,
      -- so the highest one tells whether they all exist); a lowered cap leaves the higher ones
      -- unused. Then one more try, also when they exist: another job may have created them, or
      -- freed one, since the first try's snapshot.
      if not exists (select from synchub.provider_slots f
                      where f.provider = begin_syncs.provider and f.slot = coalesce(provider_max_concurrency, 4) - 1) then
        insert into synchub.provider_slots (provider, slot)
        select begin_syncs.provider, g from generate_series(0, coalesce(provider_max_concurrency, 4) - 1) g
        on conflict do nothing;
      end if;
    end loop;

    if slot is null then
      -- All of the provider's slots are taken: give the claim back as it was.
      update synchub.connections
         set sync_status = previous_sync_status, sync_holder = null, sync_holder_until = null
       where id = i."connectionId" and sync_holder = i.holder;
      -- Answered as 0010 did: the provider's pacing interval only.
      select 'busy', null, null, null, null, null, null, null, null, null, null, null, null, null
        into outcome, run_id, provider, base_url, credentials_encrypted, previous_sync_status,
             last_synced_at, consecutive_failures, auth_failures, pacing_min_interval_ms,
             pacing_hourly_cap, tier, provider_hourly_cap, provider_max_concurrency;
      return next;
      continue;
    end if;

    insert into synchub.sync_runs (connection_id, trigger, job_id, attempt)
    values (i."connectionId", i.trigger, i."jobId", i.attempt)
    returning id, 'started' into run_id, outcome;
    return next;
  end loop;
end
$$;

-- Closes successful syncs: their runs, their connections' state, replayed dead letters, their
-- claims. A slot is freed by (provider, slot) when the item says which, else by holder.
create or replace function synchub.complete_syncs(p_items jsonb) returns void
language plpgsql volatile set enable_seqscan = off as $$
declare
  i record;
begin
  for i in select * from jsonb_populate_recordset(null::synchub.sync_closing, p_items) loop
    update synchub.sync_runs
       set status = 'succeeded', finished_at = now(), error = null, error_class = null
     where id = i."runId";
    update synchub.connections c
       set sync_status = 'ok', sync_error = null, sync_error_class = null, consecutive_failures = 0,
           auth_failures = 0, last_synced_at = i."startedAt", next_sync_at = i."nextSyncAt",
           updated_at = now(),
           sync_holder = case when c.sync_holder = i.holder then null else c.sync_holder end,
           sync_holder_until = case when c.sync_holder = i.holder then null else c.sync_holder_until end
     where c.id = i."connectionId";
    if i."deadLetterId" is not null then
      update synchub.dead_letters
         set status = 'resolved', closed_at = now(), closed_by = 'replay', next_auto_retry_at = null
       where id = i."deadLetterId" and status in ('open', 'replaying');
    end if;
    if i.slot is not null then
      update synchub.provider_slots s set holder = null, held_until = null
       where s.provider = i.provider and s.slot = i.slot and s.holder = i.holder;
    else
      update synchub.provider_slots s set holder = null, held_until = null where s.holder = i.holder;
    end if;
  end loop;
end
$$;

-- A worker's group commit in one call: closes the finished syncs first (their slots are free for
-- the syncs opened next), then opens the new ones and answers them as begin_syncs does.
create or replace function synchub.sync_bookkeeping(p_completions jsonb, p_begins jsonb) returns table (
  item integer, outcome text, run_id bigint, slot integer, provider text, base_url text, credentials_encrypted text,
  previous_sync_status text, last_synced_at timestamptz, consecutive_failures integer, auth_failures integer,
  pacing_min_interval_ms integer, pacing_hourly_cap integer, tier text, provider_min_interval_ms integer,
  provider_hourly_cap integer, provider_max_concurrency integer)
language plpgsql volatile as $$
begin
  perform set_config('synchronous_commit', 'off', true);
  if jsonb_array_length(p_completions) > 0 then
    perform synchub.complete_syncs(p_completions);
  end if;
  if jsonb_array_length(p_begins) > 0 then
    return query select * from synchub.begin_syncs(p_begins);
  end if;
end
$$;

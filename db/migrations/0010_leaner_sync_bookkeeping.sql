-- Leaner sync bookkeeping (bench/, "engine overhead"); same answers as 0009's functions.
--   * begin_syncs claims a free connection with the update that marks it running (no separate
--     locking read), then takes a provider slot and inserts the run: three plain statements per
--     sync instead of 0009's one statement with four CTEs, whose executor start-up cost more.
--   * begin_syncs answers the slot a started sync holds, and complete_syncs frees it by its key:
--     0009 looked slots up by holder, and on small tables the planner scanned provider_slots and
--     sync_runs whole for every batch.
--   * sync_bookkeeping closes and opens syncs in one call, so a busy worker's closings and
--     openings share statements (about 0.74 per sync in the benchmark, 0.87 before).
-- Together: Postgres CPU per no-op sync 1.32 to 1.39 ms, against 1.60 to 1.84 ms with 0009.

drop function synchub.begin_syncs(jsonb);
drop function synchub.complete_syncs(jsonb);
drop function synchub.sync_completions(jsonb);

-- Opens syncs, per item by its 1-based position: 'started' with what the sync needs and the slot
-- it holds, 'missing', 'paused' or 'busy' (nothing kept; with the provider's pacing interval).
-- Items go in connection id order, so concurrent batches lock connection rows in the same order.
create function synchub.begin_syncs(p_items jsonb) returns table (
  item integer,
  outcome text,
  run_id bigint,
  slot integer,
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
  c record;
  claim_until timestamptz;
  cap integer;
begin
  perform set_config('synchronous_commit', 'off', true);
  for i in select e.ord::int as ord, x.*
             from jsonb_array_elements(p_items) with ordinality as e(v, ord),
                  jsonb_to_record(e.v) as x("connectionId" uuid, holder text, "jobId" text, attempt integer,
                                            trigger text, "ttlMs" integer)
            order by x."connectionId", e.ord loop
    item := i.ord;
    outcome := null; run_id := null; slot := null; provider := null; base_url := null;
    credentials_encrypted := null; previous_sync_status := null; last_synced_at := null;
    consecutive_failures := null; auth_failures := null; pacing_min_interval_ms := null;
    pacing_hourly_cap := null; tier := null; provider_min_interval_ms := null;
    provider_hourly_cap := null; provider_max_concurrency := null;
    claim_until := now() + make_interval(secs => i."ttlMs" / 1000.0);

    -- The claim: only an active connection that nobody else holds (a claim past its time is let
    -- go). `previous` is the row as it was, for the status to put back should the sync defer.
    update synchub.connections conn
       set sync_status = 'running', sync_holder = i.holder, sync_holder_until = claim_until,
           updated_at = now()
      from synchub.connections previous, synchub.tenants t
     where conn.id = i."connectionId" and previous.id = conn.id and t.id = conn.tenant_id
       and conn.status = 'active'
       and (conn.sync_holder is null or conn.sync_holder = i.holder or conn.sync_holder_until < now())
    returning conn.provider, conn.base_url, conn.credentials_encrypted, previous.sync_status,
              conn.last_synced_at, conn.consecutive_failures, conn.auth_failures,
              conn.pacing_min_interval_ms, conn.pacing_hourly_cap, t.tier,
              -- The provider's settings row, or null when it has none (an update cannot outer-join).
              (select ps from synchub.provider_settings ps where ps.provider = conn.provider) as ps
      into c;

    if not found then
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

    cap := coalesce((c.ps).max_concurrency, 4);
    for attempt in 1..2 loop
      update synchub.provider_slots s set holder = i.holder, held_until = claim_until
       where (s.provider, s.slot) = (
               select f.provider, f.slot from synchub.provider_slots f
                where f.provider = c.provider and f.slot < cap and (f.holder is null or f.held_until < now())
                order by f.slot
                limit 1
                  for update skip locked)
      returning s.slot into slot;
      exit when slot is not null or attempt = 2;
      -- No slot. A provider's slots are created on first use and when its cap is raised (together,
      -- so the highest one tells whether they all exist); a lowered cap leaves the higher ones
      -- unused. Then one more try, also when they exist: another job may have created them, or
      -- freed one, since this statement's snapshot.
      if not exists (select from synchub.provider_slots f where f.provider = c.provider and f.slot = cap - 1) then
        insert into synchub.provider_slots (provider, slot)
        select c.provider, g from generate_series(0, cap - 1) g
        on conflict do nothing;
      end if;
    end loop;

    if slot is null then
      -- All of the provider's slots are taken: give the claim back as it was.
      update synchub.connections
         set sync_status = c.sync_status, sync_holder = null, sync_holder_until = null
       where id = i."connectionId" and sync_holder = i.holder;
      outcome := 'busy';
      provider_min_interval_ms := (c.ps).min_interval_ms;
      return next;
      continue;
    end if;

    insert into synchub.sync_runs (connection_id, trigger, job_id, attempt)
    values (i."connectionId", i.trigger, i."jobId", i.attempt)
    returning id into run_id;
    outcome := 'started';
    provider := c.provider; base_url := c.base_url; credentials_encrypted := c.credentials_encrypted;
    previous_sync_status := c.sync_status; last_synced_at := c.last_synced_at;
    consecutive_failures := c.consecutive_failures; auth_failures := c.auth_failures;
    pacing_min_interval_ms := c.pacing_min_interval_ms; pacing_hourly_cap := c.pacing_hourly_cap;
    tier := c.tier; provider_min_interval_ms := (c.ps).min_interval_ms;
    provider_hourly_cap := (c.ps).hourly_cap; provider_max_concurrency := (c.ps).max_concurrency;
    return next;
  end loop;
end
$$;

-- Closes successful syncs: their runs, their connections' state, replayed dead letters, their
-- claims. A slot is freed by (provider, slot) when the item says which, else by holder (an item
-- from a worker that began its sync before this migration).
create function synchub.complete_syncs(p_items jsonb) returns void
language plpgsql volatile as $$
declare
  i record;
begin
  perform set_config('synchronous_commit', 'off', true);
  for i in select * from jsonb_to_recordset(p_items) as x(
             "runId" bigint, "connectionId" uuid, holder text, "startedAt" timestamptz,
             "nextSyncAt" timestamptz, "deadLetterId" bigint, provider text, slot integer)
           order by x."connectionId" loop
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
create function synchub.sync_bookkeeping(p_completions jsonb, p_begins jsonb) returns table (
  item integer,
  outcome text,
  run_id bigint,
  slot integer,
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
begin
  if jsonb_array_length(p_completions) > 0 then
    perform synchub.complete_syncs(p_completions);
  end if;
  if jsonb_array_length(p_begins) > 0 then
    return query select * from synchub.begin_syncs(p_begins);
  end if;
end
$$;

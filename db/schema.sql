-- Generated from the migrated schema by packages/db/src/schemaDump.ts. Do not edit.

-- Domains

create domain synchub.connection_status as text
  constraint connection_status_values CHECK ((VALUE = ANY (ARRAY['active'::text, 'paused'::text])));

create domain synchub.error_class as text
  constraint error_class_values CHECK ((VALUE = ANY (ARRAY['transient'::text, 'permanent'::text])));

create domain synchub.failure_count as integer
  constraint failure_count_not_negative CHECK ((VALUE >= 0));

create domain synchub.hourly_cap as integer
  constraint hourly_cap_positive CHECK ((VALUE > 0));

create domain synchub.interval_ms as integer
  constraint interval_ms_not_negative CHECK ((VALUE >= 0));

create domain synchub.run_status as text
  constraint run_status_values CHECK ((VALUE = ANY (ARRAY['running'::text, 'succeeded'::text, 'failed'::text, 'deferred'::text])));

create domain synchub.run_trigger as text
  constraint run_trigger_values CHECK ((VALUE = ANY (ARRAY['schedule'::text, 'manual'::text, 'sql'::text, 'created'::text, 'replay'::text])));

create domain synchub.slot_number as integer
  constraint slot_number_not_negative CHECK ((VALUE >= 0));

create domain synchub.sync_status as text
  constraint sync_status_values CHECK ((VALUE = ANY (ARRAY['pending'::text, 'running'::text, 'ok'::text, 'failed'::text])));

-- Composite types

create type synchub.sync_closing as (
  "runId" bigint,
  "connectionId" uuid,
  holder text,
  "startedAt" timestamp with time zone,
  "nextSyncAt" timestamp with time zone,
  "deadLetterId" bigint,
  provider text,
  slot integer
);

create type synchub.sync_opening as (
  "connectionId" uuid,
  holder text,
  "jobId" text,
  attempt integer,
  trigger text,
  "ttlMs" integer
);

-- Tables

create table synchub.api_tokens (
  id uuid default gen_random_uuid() not null,
  name text not null,
  token_hash text not null,
  prefix text not null,
  role text not null,
  created_by text not null,
  created_at timestamp with time zone default now() not null,
  last_used_at timestamp with time zone,
  revoked_at timestamp with time zone,
  constraint api_tokens_name_check CHECK (((length(name) >= 1) AND (length(name) <= 100))),
  constraint api_tokens_pkey PRIMARY KEY (id),
  constraint api_tokens_role_check CHECK ((role = ANY (ARRAY['viewer'::text, 'operator'::text, 'admin'::text]))),
  constraint api_tokens_token_hash_key UNIQUE (token_hash)
);

create table synchub.audit_log (
  id bigint generated always as identity not null,
  at timestamp with time zone default now() not null,
  actor text not null,
  action text not null,
  object_type text not null,
  object_id text,
  details jsonb default '{}'::jsonb not null,
  constraint audit_log_pkey PRIMARY KEY (id)
);

create table synchub.connections (
  id uuid default gen_random_uuid() not null,
  tenant_id uuid not null,
  provider text not null,
  name text not null,
  base_url text,
  credentials_encrypted text not null,
  status synchub.connection_status default 'active'::text not null,
  paused_reason text,
  sync_status synchub.sync_status default 'pending'::text not null,
  sync_error text,
  last_synced_at timestamp with time zone,
  next_sync_at timestamp with time zone default now() not null,
  consecutive_failures synchub.failure_count default 0 not null,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  pacing_min_interval_ms synchub.interval_ms,
  pacing_hourly_cap synchub.hourly_cap,
  sync_error_class synchub.error_class,
  auth_failures synchub.failure_count default 0 not null,
  sync_holder text,
  sync_holder_until timestamp with time zone,
  constraint connections_pkey PRIMARY KEY (id),
  constraint connections_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES synchub.tenants(id) ON DELETE CASCADE
);

create table synchub.cost_rows (
  connection_id uuid not null,
  day date not null,
  line_item text not null,
  amount numeric(20,8) not null,
  currency text not null,
  updated_at timestamp with time zone default now() not null,
  constraint cost_rows_connection_id_fkey FOREIGN KEY (connection_id) REFERENCES synchub.connections(id) ON DELETE CASCADE,
  constraint cost_rows_pkey PRIMARY KEY (connection_id, day, line_item)
);

create table synchub.credit_balances (
  user_ref text not null,
  balance bigint default 0 not null,
  updated_at timestamp with time zone default now() not null,
  constraint credit_balances_pkey PRIMARY KEY (user_ref)
);

create table synchub.credit_batches (
  id bigint generated always as identity not null,
  user_ref text not null,
  amount integer not null,
  remaining integer not null,
  source text not null,
  grant_period text,
  expires_at timestamp with time zone,
  created_at timestamp with time zone default now() not null,
  constraint credit_batches_amount_check CHECK ((amount >= 0)),
  constraint credit_batches_check CHECK (((remaining >= 0) AND (remaining <= amount))),
  constraint credit_batches_check1 CHECK (((source <> 'grant'::text) OR (grant_period IS NOT NULL))),
  constraint credit_batches_pkey PRIMARY KEY (id),
  constraint credit_batches_source_check CHECK ((source = ANY (ARRAY['grant'::text, 'purchase'::text, 'adjustment'::text])))
);

create table synchub.credit_ledger (
  id bigint generated always as identity not null,
  user_ref text not null,
  batch_id bigint,
  delta integer not null,
  reason text not null,
  job_run_id bigint,
  at timestamp with time zone default now() not null,
  constraint credit_ledger_batch_id_fkey FOREIGN KEY (batch_id) REFERENCES synchub.credit_batches(id) ON DELETE SET NULL,
  constraint credit_ledger_job_run_id_fkey FOREIGN KEY (job_run_id) REFERENCES synchub.job_runs(id) ON DELETE SET NULL,
  constraint credit_ledger_pkey PRIMARY KEY (id),
  constraint credit_ledger_reason_check CHECK ((reason = ANY (ARRAY['grant'::text, 'expire'::text, 'purchase'::text, 'consume'::text, 'adjustment'::text])))
);

create table synchub.dead_letters (
  id bigint generated always as identity not null,
  task text not null,
  payload jsonb not null,
  job_key text,
  queue_name text,
  connection_id uuid,
  error_class text not null,
  error text not null,
  fingerprint text not null,
  attempts integer not null,
  first_failed_at timestamp with time zone default now() not null,
  last_failed_at timestamp with time zone default now() not null,
  status text default 'open'::text not null,
  auto_retries integer default 0 not null,
  next_auto_retry_at timestamp with time zone,
  discard_reason text,
  closed_at timestamp with time zone,
  closed_by text,
  constraint dead_letters_connection_id_fkey FOREIGN KEY (connection_id) REFERENCES synchub.connections(id) ON DELETE SET NULL,
  constraint dead_letters_error_class_check CHECK ((error_class = ANY (ARRAY['transient'::text, 'permanent'::text]))),
  constraint dead_letters_pkey PRIMARY KEY (id),
  constraint dead_letters_status_check CHECK ((status = ANY (ARRAY['open'::text, 'replaying'::text, 'resolved'::text, 'discarded'::text])))
);

create table synchub.job_runs (
  id bigint generated always as identity not null,
  task text not null,
  trigger text not null,
  status text default 'running'::text not null,
  started_at timestamp with time zone default now() not null,
  finished_at timestamp with time zone,
  duration_ms integer,
  results jsonb,
  error text,
  attempt integer default 1 not null,
  error_class text,
  dead_letter_id bigint,
  constraint job_runs_attempt_check CHECK ((attempt >= 1)),
  constraint job_runs_dead_letter_id_fkey FOREIGN KEY (dead_letter_id) REFERENCES synchub.dead_letters(id) ON DELETE SET NULL,
  constraint job_runs_error_class_check CHECK ((error_class = ANY (ARRAY['transient'::text, 'permanent'::text]))),
  constraint job_runs_pkey PRIMARY KEY (id),
  constraint job_runs_status_check CHECK ((status = ANY (ARRAY['running'::text, 'succeeded'::text, 'failed'::text]))),
  constraint job_runs_trigger_check CHECK ((trigger = ANY (ARRAY['schedule'::text, 'http'::text, 'manual'::text, 'qstash'::text, 'sql'::text, 'replay'::text])))
);

create table synchub.login_throttle (
  key character varying(255) not null,
  points integer default 0 not null,
  expire bigint,
  constraint login_throttle_pkey PRIMARY KEY (key)
);

create table synchub.plans (
  id text not null,
  name text not null,
  daily_uploads integer not null,
  monthly_ai_requests integer not null,
  storage_bytes bigint not null,
  constraint plans_daily_uploads_check CHECK ((daily_uploads >= 0)),
  constraint plans_monthly_ai_requests_check CHECK ((monthly_ai_requests >= 0)),
  constraint plans_pkey PRIMARY KEY (id),
  constraint plans_storage_bytes_check CHECK ((storage_bytes >= 0))
);

create table synchub.provider_settings (
  provider text not null,
  min_interval_ms integer not null,
  hourly_cap integer not null,
  max_concurrency integer default 4 not null,
  updated_at timestamp with time zone default now() not null,
  constraint provider_settings_hourly_cap_check CHECK ((hourly_cap > 0)),
  constraint provider_settings_max_concurrency_check CHECK ((max_concurrency > 0)),
  constraint provider_settings_min_interval_ms_check CHECK ((min_interval_ms >= 0)),
  constraint provider_settings_pkey PRIMARY KEY (provider)
);

create table synchub.provider_slots (
  provider text not null,
  slot synchub.slot_number not null,
  holder text,
  held_until timestamp with time zone,
  constraint provider_slots_pkey PRIMARY KEY (provider, slot)
);

create table synchub.qstash_deliveries (
  jti text not null,
  expires_at timestamp with time zone not null,
  accepted_at timestamp with time zone default now() not null,
  constraint qstash_deliveries_jti_check CHECK (((length(jti) >= 1) AND (length(jti) <= 200))),
  constraint qstash_deliveries_pkey PRIMARY KEY (jti)
);

create table synchub.quota_accounts (
  user_ref text not null,
  plan_id text not null,
  uploads_used_today integer default 0 not null,
  ai_requests_used_month integer default 0 not null,
  storage_bytes_used bigint default 0 not null,
  day_started date default ((now() AT TIME ZONE 'UTC'::text))::date not null,
  month_started date default (date_trunc('month'::text, (now() AT TIME ZONE 'UTC'::text)))::date not null,
  storage_started date default ((now() AT TIME ZONE 'UTC'::text))::date not null,
  alert_level text,
  stripe_subscription_id text,
  stripe_customer_id text,
  subscription_status text,
  subscription_period_end timestamp with time zone,
  subscription_synced_at timestamp with time zone,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  subscription_status_raw text,
  constraint quota_accounts_ai_requests_used_month_check CHECK ((ai_requests_used_month >= 0)),
  constraint quota_accounts_alert_level_check CHECK ((alert_level = ANY (ARRAY['warning'::text, 'critical'::text]))),
  constraint quota_accounts_pkey PRIMARY KEY (user_ref),
  constraint quota_accounts_plan_id_fkey FOREIGN KEY (plan_id) REFERENCES synchub.plans(id),
  constraint quota_accounts_storage_bytes_used_check CHECK ((storage_bytes_used >= 0)),
  constraint quota_accounts_subscription_status_check CHECK ((subscription_status = ANY (ARRAY['active'::text, 'trialing'::text, 'past_due'::text, 'unpaid'::text, 'canceled'::text, 'incomplete'::text, 'incomplete_expired'::text, 'paused'::text, 'unknown'::text]))),
  constraint quota_accounts_uploads_used_today_check CHECK ((uploads_used_today >= 0))
);

create table synchub.quota_alerts (
  id bigint generated always as identity not null,
  user_ref text not null,
  metric text not null,
  level text not null,
  used bigint not null,
  "limit" bigint not null,
  period_start date not null,
  at timestamp with time zone default now() not null,
  constraint quota_alerts_level_check CHECK ((level = ANY (ARRAY['warning'::text, 'critical'::text]))),
  constraint quota_alerts_metric_check CHECK ((metric = ANY (ARRAY['uploads'::text, 'aiRequests'::text, 'storageBytes'::text]))),
  constraint quota_alerts_pkey PRIMARY KEY (id),
  constraint quota_alerts_user_ref_fkey FOREIGN KEY (user_ref) REFERENCES synchub.quota_accounts(user_ref) ON DELETE CASCADE
);

create table synchub.rate_limits (
  key text not null,
  min_interval_ms integer not null,
  hourly_cap integer not null,
  next_allowed_at timestamp with time zone default '-infinity'::timestamp with time zone not null,
  window_started_at timestamp with time zone default now() not null,
  window_count integer default 0 not null,
  paused_until timestamp with time zone,
  pause_reason text,
  deferrals bigint default 0 not null,
  throttled bigint default 0 not null,
  updated_at timestamp with time zone default now() not null,
  constraint rate_limits_hourly_cap_check CHECK ((hourly_cap > 0)),
  constraint rate_limits_min_interval_ms_check CHECK ((min_interval_ms >= 0)),
  constraint rate_limits_pkey PRIMARY KEY (key)
);

create table synchub.schedule_occurrences (
  schedule_id uuid not null,
  occurrence_at timestamp with time zone not null,
  source text not null,
  status text not null,
  job_id text,
  created_at timestamp with time zone default now() not null,
  constraint schedule_occurrences_pkey PRIMARY KEY (schedule_id, occurrence_at),
  constraint schedule_occurrences_schedule_id_fkey FOREIGN KEY (schedule_id) REFERENCES synchub.schedules(id) ON DELETE CASCADE,
  constraint schedule_occurrences_source_check CHECK ((source = ANY (ARRAY['schedule'::text, 'manual'::text, 'catch_up'::text]))),
  constraint schedule_occurrences_status_check CHECK ((status = ANY (ARRAY['enqueued'::text, 'skipped'::text])))
);

create table synchub.schedules (
  id uuid default gen_random_uuid() not null,
  name text not null,
  task text not null,
  payload jsonb default '{}'::jsonb not null,
  cron text not null,
  time_zone text default 'UTC'::text not null,
  enabled boolean default true not null,
  missed_policy text default 'skip'::text not null,
  catch_up_cap integer default 10 not null,
  description text default ''::text not null,
  last_occurrence_at timestamp with time zone,
  next_occurrence_at timestamp with time zone,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  externally_triggerable boolean default false not null,
  constraint schedules_catch_up_cap_check CHECK ((catch_up_cap > 0)),
  constraint schedules_missed_policy_check CHECK ((missed_policy = ANY (ARRAY['skip'::text, 'once'::text, 'all'::text]))),
  constraint schedules_name_key UNIQUE (name),
  constraint schedules_pkey PRIMARY KEY (id)
);

create table synchub.sessions (
  token_hash text not null,
  user_id uuid not null,
  created_at timestamp with time zone default now() not null,
  expires_at timestamp with time zone not null,
  constraint sessions_pkey PRIMARY KEY (token_hash),
  constraint sessions_user_id_fkey FOREIGN KEY (user_id) REFERENCES synchub.users(id) ON DELETE CASCADE
);

create table synchub.subscriptions (
  id uuid default gen_random_uuid() not null,
  user_ref text not null,
  plan text not null,
  monthly_credits integer not null,
  status text default 'active'::text not null,
  current_period_start timestamp with time zone default now() not null,
  current_period_end timestamp with time zone default (now() + '1 mon'::interval) not null,
  created_at timestamp with time zone default now() not null,
  constraint subscriptions_monthly_credits_check CHECK ((monthly_credits >= 0)),
  constraint subscriptions_pkey PRIMARY KEY (id),
  constraint subscriptions_status_check CHECK ((status = ANY (ARRAY['active'::text, 'past_due'::text, 'canceled'::text])))
);

create table synchub.sync_runs (
  id bigint generated always as identity not null,
  connection_id uuid not null,
  trigger synchub.run_trigger not null,
  status synchub.run_status default 'running'::text not null,
  job_id text,
  attempt integer default 1 not null,
  started_at timestamp with time zone default now() not null,
  finished_at timestamp with time zone,
  pages integer default 0 not null,
  rows_fetched integer default 0 not null,
  rows_inserted integer default 0 not null,
  rows_updated integer default 0 not null,
  error text,
  error_class synchub.error_class,
  deferred_until timestamp with time zone,
  notice text,
  dead_letter_id bigint,
  constraint sync_runs_connection_id_fkey FOREIGN KEY (connection_id) REFERENCES synchub.connections(id) ON DELETE CASCADE,
  constraint sync_runs_dead_letter_id_fkey FOREIGN KEY (dead_letter_id) REFERENCES synchub.dead_letters(id) ON DELETE SET NULL,
  constraint sync_runs_pkey PRIMARY KEY (id)
);

create table synchub.tenants (
  id uuid default gen_random_uuid() not null,
  name text not null,
  tier text not null,
  last_active_at timestamp with time zone,
  created_at timestamp with time zone default now() not null,
  constraint tenants_pkey PRIMARY KEY (id),
  constraint tenants_tier_check CHECK ((tier = ANY (ARRAY['enterprise'::text, 'pro'::text, 'free'::text])))
);

create table synchub.users (
  id uuid default gen_random_uuid() not null,
  username text not null,
  password_hash text not null,
  role text not null,
  created_at timestamp with time zone default now() not null,
  constraint users_pkey PRIMARY KEY (id),
  constraint users_role_check CHECK ((role = ANY (ARRAY['viewer'::text, 'operator'::text, 'admin'::text]))),
  constraint users_username_key UNIQUE (username)
);

create table synchub.worker_heartbeats (
  process_id text not null,
  worker_ids text[] not null,
  hostname text not null,
  pid integer not null,
  started_at timestamp with time zone default now() not null,
  last_seen_at timestamp with time zone default now() not null,
  constraint worker_heartbeats_pkey PRIMARY KEY (process_id)
);

-- Indexes

CREATE INDEX api_tokens_created_idx ON synchub.api_tokens USING btree (created_at DESC);

CREATE INDEX audit_log_at_idx ON synchub.audit_log USING btree (at DESC);

CREATE INDEX connections_due_idx ON synchub.connections USING btree (next_sync_at) WHERE ((status)::text = 'active'::text);

CREATE INDEX connections_tenant_idx ON synchub.connections USING btree (tenant_id);

CREATE INDEX credit_batches_expiring_idx ON synchub.credit_batches USING btree (expires_at) WHERE (remaining > 0);

CREATE UNIQUE INDEX credit_batches_one_grant_per_period ON synchub.credit_batches USING btree (user_ref, source, grant_period) WHERE (source = 'grant'::text);

CREATE INDEX credit_ledger_user_idx ON synchub.credit_ledger USING btree (user_ref, at DESC);

CREATE INDEX dead_letters_auto_retry_idx ON synchub.dead_letters USING btree (next_auto_retry_at) WHERE ((status = 'open'::text) AND (next_auto_retry_at IS NOT NULL));

CREATE INDEX dead_letters_open_idx ON synchub.dead_letters USING btree (fingerprint, last_failed_at DESC) WHERE (status = 'open'::text);

CREATE INDEX job_runs_task_idx ON synchub.job_runs USING btree (task, started_at DESC);

CREATE INDEX qstash_deliveries_expires_at ON synchub.qstash_deliveries USING btree (expires_at);

CREATE INDEX quota_accounts_plan_idx ON synchub.quota_accounts USING btree (plan_id);

CREATE INDEX quota_alerts_at_idx ON synchub.quota_alerts USING btree (at DESC);

CREATE UNIQUE INDEX quota_alerts_once_per_period ON synchub.quota_alerts USING btree (user_ref, metric, level, period_start);

CREATE INDEX schedules_due_idx ON synchub.schedules USING btree (next_occurrence_at) WHERE enabled;

CREATE INDEX sessions_user_idx ON synchub.sessions USING btree (user_id);

CREATE INDEX subscriptions_active_idx ON synchub.subscriptions USING btree (user_ref) WHERE (status = 'active'::text);

CREATE INDEX sync_runs_connection_idx ON synchub.sync_runs USING btree (connection_id, started_at DESC);

CREATE INDEX sync_runs_started_idx ON synchub.sync_runs USING btree (started_at DESC);

-- Functions

CREATE OR REPLACE FUNCTION synchub.begin_syncs(p_items jsonb)
 RETURNS TABLE(item integer, outcome text, run_id bigint, slot integer, provider text, base_url text, credentials_encrypted text, previous_sync_status text, last_synced_at timestamp with time zone, consecutive_failures integer, auth_failures integer, pacing_min_interval_ms integer, pacing_hourly_cap integer, tier text, provider_min_interval_ms integer, provider_hourly_cap integer, provider_max_concurrency integer)
 LANGUAGE plpgsql
 SET enable_seqscan TO 'off'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION synchub.complete_syncs(p_items jsonb)
 RETURNS void
 LANGUAGE plpgsql
 SET enable_seqscan TO 'off'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION synchub.enqueue_first_sync()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
begin
  if new.status = 'active' then
    perform synchub.request_sync(new.id, 'created');
  end if;
  return new;
end
$function$
;

CREATE OR REPLACE FUNCTION synchub.example_enqueue_sync_on_change()
 RETURNS trigger
 LANGUAGE plpgsql
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION synchub.pause_rate_limit(p_key text, p_until timestamp with time zone, p_reason text)
 RETURNS void
 LANGUAGE sql
AS $function$
  update synchub.rate_limits
  set paused_until = greatest(coalesce(paused_until, '-infinity'), p_until),
      pause_reason = p_reason, throttled = throttled + 1, updated_at = now()
  where key = p_key;
$function$
;

CREATE OR REPLACE FUNCTION synchub.release_sync_claims(p_connection_id uuid, p_holder text)
 RETURNS void
 LANGUAGE sql
AS $function$
  update synchub.provider_slots set holder = null, held_until = null where holder = p_holder;
  update synchub.connections set sync_holder = null, sync_holder_until = null
   where id = p_connection_id and sync_holder = p_holder;
$function$
;

CREATE OR REPLACE FUNCTION synchub.request_sync(connection_id uuid, trigger text DEFAULT 'sql'::text)
 RETURNS bigint
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION synchub.reserve_rate_limit(p_key text, p_min_interval_ms integer, p_hourly_cap integer, p_max_wait_ms integer)
 RETURNS TABLE(granted boolean, slot timestamp with time zone)
 LANGUAGE plpgsql
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION synchub.run_schedule(name text)
 RETURNS bigint
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
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
$function$
;

CREATE OR REPLACE FUNCTION synchub.sync_bookkeeping(p_completions jsonb, p_begins jsonb)
 RETURNS TABLE(item integer, outcome text, run_id bigint, slot integer, provider text, base_url text, credentials_encrypted text, previous_sync_status text, last_synced_at timestamp with time zone, consecutive_failures integer, auth_failures integer, pacing_min_interval_ms integer, pacing_hourly_cap integer, tier text, provider_min_interval_ms integer, provider_hourly_cap integer, provider_max_concurrency integer)
 LANGUAGE plpgsql
AS $function$
begin
  perform set_config('synchronous_commit', 'off', true);
  if jsonb_array_length(p_completions) > 0 then
    perform synchub.complete_syncs(p_completions);
  end if;
  if jsonb_array_length(p_begins) > 0 then
    return query select * from synchub.begin_syncs(p_begins);
  end if;
end
$function$
;

CREATE OR REPLACE FUNCTION synchub.tier_interval(tier text)
 RETURNS interval
 LANGUAGE sql
 IMMUTABLE STRICT
AS $function$
  select case tier
    when 'enterprise' then interval '30 minutes'
    when 'pro' then interval '60 minutes'
    when 'free' then interval '6 hours'
  end
$function$
;

CREATE OR REPLACE FUNCTION synchub.tier_priority(tier text)
 RETURNS smallint
 LANGUAGE sql
 IMMUTABLE STRICT
AS $function$
  select case tier when 'enterprise' then 10 when 'pro' then 20 else 30 end::smallint
$function$
;

-- Triggers

CREATE TRIGGER connections_enqueue_first_sync AFTER INSERT ON synchub.connections FOR EACH ROW EXECUTE FUNCTION synchub.enqueue_first_sync();

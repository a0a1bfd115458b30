-- Generated from the migrated schema by packages/db/src/schemaDump.ts. Do not edit.

-- Domains

create domain synchub.error_class as text
  constraint error_class_values CHECK ((VALUE = ANY (ARRAY['transient'::text, 'permanent'::text])));

create domain synchub.run_status as text
  constraint run_status_values CHECK ((VALUE = ANY (ARRAY['running'::text, 'succeeded'::text, 'failed'::text, 'deferred'::text])));

create domain synchub.run_trigger as text
  constraint run_trigger_values CHECK ((VALUE = ANY (ARRAY['schedule'::text, 'manual'::text, 'sql'::text, 'created'::text, 'replay'::text, 'webhook'::text, 'http'::text, 'qstash'::text])));

create domain synchub.slot_number as integer
  constraint slot_number_not_negative CHECK ((VALUE >= 0));

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
  procedures text[],
  constraint api_tokens_name_check CHECK (((length(name) >= 1) AND (length(name) <= 100))),
  constraint api_tokens_pkey PRIMARY KEY (id),
  constraint api_tokens_procedures_check CHECK (((procedures IS NULL) OR (((cardinality(procedures) >= 1) AND (cardinality(procedures) <= 100)) AND (array_to_string(procedures, ','::text) ~ '^[a-zA-Z]+\.[a-zA-Z]+(,[a-zA-Z]+\.[a-zA-Z]+)*$'::text)))),
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
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
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
  run_id bigint,
  at timestamp with time zone default now() not null,
  constraint credit_ledger_batch_id_fkey FOREIGN KEY (batch_id) REFERENCES synchub.credit_batches(id) ON DELETE SET NULL,
  constraint credit_ledger_pkey PRIMARY KEY (id),
  constraint credit_ledger_reason_check CHECK ((reason = ANY (ARRAY['grant'::text, 'expire'::text, 'purchase'::text, 'consume'::text, 'adjustment'::text]))),
  constraint credit_ledger_run_id_fkey FOREIGN KEY (run_id) REFERENCES synchub.runs(id) ON DELETE SET NULL
);

create table synchub.dead_letters (
  id bigint generated always as identity not null,
  task text not null,
  payload jsonb not null,
  job_key text,
  queue_name text,
  target_id uuid,
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
  constraint dead_letters_error_class_check CHECK ((error_class = ANY (ARRAY['transient'::text, 'permanent'::text]))),
  constraint dead_letters_pkey PRIMARY KEY (id),
  constraint dead_letters_status_check CHECK ((status = ANY (ARRAY['open'::text, 'replaying'::text, 'resolved'::text, 'discarded'::text]))),
  constraint dead_letters_target_id_fkey FOREIGN KEY (target_id) REFERENCES synchub.sync_targets(id) ON DELETE SET NULL
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

create table synchub.pool_slots (
  pool text not null,
  slot synchub.slot_number not null,
  claimed_by text,
  claimed_until timestamp with time zone,
  constraint pool_slots_pkey PRIMARY KEY (pool, slot)
);

create table synchub.pools (
  name text not null,
  min_interval_ms integer not null,
  hourly_cap integer not null,
  max_concurrency integer default 4 not null,
  updated_at timestamp with time zone default now() not null,
  constraint pools_hourly_cap_check CHECK ((hourly_cap > 0)),
  constraint pools_max_concurrency_check CHECK ((max_concurrency > 0)),
  constraint pools_min_interval_ms_check CHECK ((min_interval_ms >= 0)),
  constraint pools_pkey PRIMARY KEY (name)
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

create table synchub.run_http_calls (
  run_id bigint not null,
  seq smallint not null,
  method text not null,
  host text not null,
  path text not null,
  status smallint,
  duration_ms integer not null,
  attempt smallint not null,
  error text,
  started_at timestamp with time zone not null,
  constraint run_http_calls_attempt_check CHECK ((attempt >= 1)),
  constraint run_http_calls_duration_ms_check CHECK ((duration_ms >= 0)),
  constraint run_http_calls_error_check CHECK ((length(error) <= 500)),
  constraint run_http_calls_host_check CHECK ((length(host) <= 255)),
  constraint run_http_calls_method_check CHECK ((length(method) <= 16)),
  constraint run_http_calls_path_check CHECK ((length(path) <= 2000)),
  constraint run_http_calls_pkey PRIMARY KEY (run_id, seq),
  constraint run_http_calls_run_id_fkey FOREIGN KEY (run_id) REFERENCES synchub.runs(id) ON DELETE CASCADE,
  constraint run_http_calls_seq_check CHECK (((seq >= 1) AND (seq <= 100))),
  constraint run_http_calls_status_check CHECK (((status >= 100) AND (status <= 599)))
);

create table synchub.run_rollup_state (
  only_row boolean default true not null,
  rolled_up_until timestamp with time zone not null,
  constraint run_rollup_state_only_row_check CHECK (only_row),
  constraint run_rollup_state_pkey PRIMARY KEY (only_row)
);

create table synchub.run_rollups (
  hour timestamp with time zone not null,
  task text not null,
  kind text not null,
  pool text not null,
  status synchub.run_status not null,
  duration_bucket smallint not null,
  runs bigint not null,
  duration_ms_sum bigint not null,
  last_finished_at timestamp with time zone not null,
  constraint run_rollups_duration_bucket_check CHECK (((duration_bucket >= 0) AND (duration_bucket <= 8))),
  constraint run_rollups_pkey PRIMARY KEY (hour, task, kind, pool, status, duration_bucket),
  constraint run_rollups_runs_check CHECK ((runs >= 0))
);

create table synchub.run_totals (
  task text not null,
  kind text not null,
  pool text not null,
  status synchub.run_status not null,
  duration_bucket smallint not null,
  runs bigint not null,
  duration_ms_sum bigint not null,
  last_finished_at timestamp with time zone not null,
  constraint run_totals_duration_bucket_check CHECK (((duration_bucket >= 0) AND (duration_bucket <= 8))),
  constraint run_totals_pkey PRIMARY KEY (task, kind, pool, status, duration_bucket),
  constraint run_totals_runs_check CHECK ((runs >= 0))
);

create table synchub.runs (
  id bigint generated always as identity not null,
  target_id uuid,
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
  task text not null,
  kind text,
  parent_run_id bigint,
  duration_ms integer,
  results jsonb,
  http_calls_dropped integer default 0 not null,
  constraint runs_dead_letter_id_fkey FOREIGN KEY (dead_letter_id) REFERENCES synchub.dead_letters(id) ON DELETE SET NULL,
  constraint runs_http_calls_dropped_check CHECK ((http_calls_dropped >= 0)),
  constraint runs_parent_run_id_fkey FOREIGN KEY (parent_run_id) REFERENCES synchub.runs(id) ON DELETE SET NULL,
  constraint runs_pkey PRIMARY KEY (id),
  constraint runs_target_id_fkey FOREIGN KEY (target_id) REFERENCES synchub.sync_targets(id) ON DELETE CASCADE
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

create table synchub.sync_targets (
  id uuid default gen_random_uuid() not null,
  kind text not null,
  subject_id uuid not null,
  pool text not null,
  interval_ms integer not null,
  priority smallint default 30 not null,
  status text default 'active'::text not null,
  paused_reason text,
  sync_status text default 'pending'::text not null,
  sync_error text,
  sync_error_class text,
  consecutive_failures integer default 0 not null,
  auth_failures integer default 0 not null,
  last_synced_at timestamp with time zone,
  next_sync_at timestamp with time zone default now() not null,
  pacing_min_interval_ms integer,
  pacing_hourly_cap integer,
  claimed_by text,
  claimed_until timestamp with time zone,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  constraint sync_targets_auth_failures_check CHECK ((auth_failures >= 0)),
  constraint sync_targets_consecutive_failures_check CHECK ((consecutive_failures >= 0)),
  constraint sync_targets_interval_ms_check CHECK ((interval_ms > 0)),
  constraint sync_targets_kind_check CHECK ((kind ~ '^[a-z0-9]+(\.[a-z0-9_]+)+$'::text)),
  constraint sync_targets_kind_subject_id_key UNIQUE (kind, subject_id),
  constraint sync_targets_pacing_hourly_cap_check CHECK ((pacing_hourly_cap > 0)),
  constraint sync_targets_pacing_min_interval_ms_check CHECK ((pacing_min_interval_ms >= 0)),
  constraint sync_targets_pkey PRIMARY KEY (id),
  constraint sync_targets_pool_fkey FOREIGN KEY (pool) REFERENCES synchub.pools(name) ON UPDATE CASCADE,
  constraint sync_targets_status_check CHECK ((status = ANY (ARRAY['active'::text, 'paused'::text]))),
  constraint sync_targets_sync_error_class_check CHECK ((sync_error_class = ANY (ARRAY['transient'::text, 'permanent'::text]))),
  constraint sync_targets_sync_status_check CHECK ((sync_status = ANY (ARRAY['pending'::text, 'running'::text, 'ok'::text, 'failed'::text])))
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
  concurrency integer,
  constraint worker_heartbeats_concurrency_check CHECK ((concurrency >= 1)),
  constraint worker_heartbeats_pkey PRIMARY KEY (process_id)
);

-- Indexes

CREATE INDEX api_tokens_created_idx ON synchub.api_tokens USING btree (created_at DESC);

CREATE INDEX audit_log_action_idx ON synchub.audit_log USING btree (action text_pattern_ops, at DESC, id DESC);

CREATE INDEX audit_log_actor_idx ON synchub.audit_log USING btree (actor, at DESC, id DESC);

CREATE INDEX audit_log_at_id_idx ON synchub.audit_log USING btree (at DESC, id DESC);

CREATE INDEX audit_log_object_id_idx ON synchub.audit_log USING btree (object_id, at DESC, id DESC) WHERE (object_id IS NOT NULL);

CREATE INDEX audit_log_object_type_idx ON synchub.audit_log USING btree (object_type, object_id, at DESC, id DESC);

CREATE INDEX connections_name_trgm_idx ON synchub.connections USING gin (name gin_trgm_ops);

CREATE INDEX connections_tenant_name_id_idx ON synchub.connections USING btree (tenant_id, name, id);

CREATE INDEX credit_batches_expiring_idx ON synchub.credit_batches USING btree (expires_at) WHERE (remaining > 0);

CREATE UNIQUE INDEX credit_batches_one_grant_per_period ON synchub.credit_batches USING btree (user_ref, source, grant_period) WHERE (source = 'grant'::text);

CREATE INDEX credit_ledger_run_idx ON synchub.credit_ledger USING btree (run_id) WHERE (run_id IS NOT NULL);

CREATE INDEX credit_ledger_user_idx ON synchub.credit_ledger USING btree (user_ref, at DESC);

CREATE INDEX dead_letters_auto_retry_idx ON synchub.dead_letters USING btree (next_auto_retry_at) WHERE ((status = 'open'::text) AND (next_auto_retry_at IS NOT NULL));

CREATE INDEX dead_letters_closed_idx ON synchub.dead_letters USING btree (closed_at) WHERE (status = ANY (ARRAY['resolved'::text, 'discarded'::text]));

CREATE INDEX dead_letters_failed_id_idx ON synchub.dead_letters USING btree (last_failed_at DESC, id DESC);

CREATE INDEX dead_letters_open_group_idx ON synchub.dead_letters USING btree (fingerprint, last_failed_at DESC, id DESC) WHERE (status = 'open'::text);

CREATE INDEX dead_letters_open_target_idx ON synchub.dead_letters USING btree (target_id) WHERE (status = 'open'::text);

CREATE INDEX dead_letters_status_failed_id_idx ON synchub.dead_letters USING btree (status, last_failed_at DESC, id DESC);

CREATE INDEX qstash_deliveries_expires_at ON synchub.qstash_deliveries USING btree (expires_at);

CREATE INDEX quota_accounts_plan_idx ON synchub.quota_accounts USING btree (plan_id);

CREATE INDEX quota_alerts_at_idx ON synchub.quota_alerts USING btree (at DESC);

CREATE UNIQUE INDEX quota_alerts_once_per_period ON synchub.quota_alerts USING btree (user_ref, metric, level, period_start);

CREATE INDEX rate_limits_listing_idx ON synchub.rate_limits USING btree (((key ~~ 'credential:%'::text)), key);

CREATE INDEX runs_dead_letter_idx ON synchub.runs USING btree (dead_letter_id) WHERE (dead_letter_id IS NOT NULL);

CREATE INDEX runs_finished_idx ON synchub.runs USING btree (finished_at) WHERE (finished_at IS NOT NULL);

CREATE INDEX runs_jobs_started_id_idx ON synchub.runs USING btree (started_at DESC, id DESC) WHERE ((target_id IS NULL) AND (task <> ALL (ARRAY['schedules.tick'::text, 'sync.tick'::text])));

CREATE INDEX runs_kind_started_id_idx ON synchub.runs USING btree (kind, started_at DESC, id DESC) WHERE (kind IS NOT NULL);

CREATE INDEX runs_parent_run_idx ON synchub.runs USING btree (parent_run_id) WHERE (parent_run_id IS NOT NULL);

CREATE INDEX runs_started_id_idx ON synchub.runs USING btree (started_at DESC, id DESC);

CREATE INDEX runs_status_started_id_idx ON synchub.runs USING btree (status, started_at DESC, id DESC);

CREATE INDEX runs_target_started_id_idx ON synchub.runs USING btree (target_id, started_at DESC, id DESC);

CREATE INDEX runs_task_started_id_idx ON synchub.runs USING btree (task, started_at DESC, id DESC);

CREATE INDEX runs_ticks_started_id_idx ON synchub.runs USING btree (started_at DESC, id DESC) WHERE (task = ANY (ARRAY['schedules.tick'::text, 'sync.tick'::text]));

CREATE INDEX runs_trigger_started_id_idx ON synchub.runs USING btree (trigger, started_at DESC, id DESC);

CREATE INDEX schedules_due_idx ON synchub.schedules USING btree (next_occurrence_at) WHERE enabled;

CREATE INDEX sessions_user_idx ON synchub.sessions USING btree (user_id);

CREATE INDEX subscriptions_active_idx ON synchub.subscriptions USING btree (user_ref) WHERE (status = 'active'::text);

CREATE INDEX sync_targets_attention_group_idx ON synchub.sync_targets USING btree (pool, kind, updated_at DESC, id DESC) WHERE (((status = 'paused'::text) AND (auth_failures > 0)) OR (sync_status = 'failed'::text) OR (last_synced_at IS NULL));

CREATE INDEX sync_targets_attention_idx ON synchub.sync_targets USING btree (updated_at DESC, id DESC) WHERE (((status = 'paused'::text) AND (auth_failures > 0)) OR (sync_status = 'failed'::text) OR (last_synced_at IS NULL));

CREATE INDEX sync_targets_due_idx ON synchub.sync_targets USING btree (next_sync_at) WHERE (status = 'active'::text);

CREATE INDEX sync_targets_paused_idx ON synchub.sync_targets USING btree (kind) WHERE (status = 'paused'::text);

CREATE INDEX sync_targets_pool_idx ON synchub.sync_targets USING btree (pool, kind);

CREATE INDEX sync_targets_sync_status_idx ON synchub.sync_targets USING btree (sync_status, kind);

CREATE INDEX tenants_name_id_idx ON synchub.tenants USING btree (name, id);

CREATE INDEX tenants_name_trgm_idx ON synchub.tenants USING gin (name gin_trgm_ops);

-- Views

create view synchub.finished_runs as
 SELECT r.id,
    r.target_id,
    r.task,
    COALESCE(r.kind, t.kind, ''::text) AS kind,
    COALESCE(t.pool, ''::text) AS pool,
    r.status,
    r.finished_at,
    date_trunc('hour'::text, r.finished_at) AS hour,
    d.ms AS duration_ms,
    synchub.duration_bucket(d.ms) AS duration_bucket
   FROM synchub.runs r
     LEFT JOIN LATERAL ( SELECT s.pool,
            s.kind
           FROM synchub.sync_targets s
          WHERE s.id = r.target_id
         OFFSET 0) t ON true
     CROSS JOIN LATERAL ( SELECT COALESCE(r.duration_ms::bigint, (EXTRACT(epoch FROM r.finished_at - r.started_at) * 1000::numeric)::bigint) AS ms) d
  WHERE r.finished_at IS NOT NULL AND r.status::text <> 'running'::text;

create view synchub.run_counts as
 WITH recent AS (
         SELECT finished_runs.task,
            finished_runs.kind,
            finished_runs.pool,
            finished_runs.status,
            finished_runs.duration_bucket,
            count(*) AS runs,
            sum(finished_runs.duration_ms) AS duration_ms_sum,
            max(finished_runs.finished_at) AS last_finished_at
           FROM synchub.finished_runs
          WHERE finished_runs.finished_at >= (( SELECT run_rollup_state.rolled_up_until
                   FROM synchub.run_rollup_state))
          GROUP BY finished_runs.task, finished_runs.kind, finished_runs.pool, finished_runs.status, finished_runs.duration_bucket
        ), both_sides AS (
         SELECT run_totals.task,
            run_totals.kind,
            run_totals.pool,
            run_totals.status,
            run_totals.duration_bucket,
            run_totals.runs,
            run_totals.duration_ms_sum,
            run_totals.last_finished_at
           FROM synchub.run_totals
        UNION ALL
         SELECT recent.task,
            recent.kind,
            recent.pool,
            recent.status,
            recent.duration_bucket,
            recent.runs,
            recent.duration_ms_sum,
            recent.last_finished_at
           FROM recent
        )
 SELECT task,
    kind,
    pool,
    status,
    duration_bucket,
    sum(runs)::bigint AS runs,
    sum(duration_ms_sum)::bigint AS duration_ms_sum,
    max(last_finished_at) AS last_finished_at
   FROM both_sides
  GROUP BY task, kind, pool, status, duration_bucket;

-- Functions

CREATE OR REPLACE FUNCTION synchub.add_run_counts(p_counts synchub.run_rollups[])
 RETURNS bigint
 LANGUAGE sql
AS $function$
  with batch as (select * from unnest(p_counts)),
  hourly as (
    insert into synchub.run_rollups as u
    select * from batch
    on conflict (hour, task, kind, pool, status, duration_bucket) do update
      set runs = u.runs + excluded.runs,
          duration_ms_sum = u.duration_ms_sum + excluded.duration_ms_sum,
          last_finished_at = greatest(u.last_finished_at, excluded.last_finished_at)
  ),
  totals as (
    insert into synchub.run_totals as u
    select task, kind, pool, status, duration_bucket, sum(runs), sum(duration_ms_sum), max(last_finished_at)
    from batch
    group by 1, 2, 3, 4, 5
    on conflict (task, kind, pool, status, duration_bucket) do update
      set runs = u.runs + excluded.runs,
          duration_ms_sum = u.duration_ms_sum + excluded.duration_ms_sum,
          last_finished_at = greatest(u.last_finished_at, excluded.last_finished_at)
  )
  select coalesce(sum(runs), 0)::bigint from batch
$function$
;

CREATE OR REPLACE FUNCTION synchub.apply_tenant_tier()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
begin
  update synchub.sync_targets s
  set interval_ms = (extract(epoch from synchub.tier_interval(new.tier)) * 1000)::integer,
      priority = synchub.tier_priority(new.tier),
      updated_at = now()
  from synchub.connections c
  where c.tenant_id = new.id and s.kind = 'llm.costs' and s.subject_id = c.id;
  return new;
end
$function$
;

CREATE OR REPLACE FUNCTION synchub.begin_sync(p_target_id uuid, p_holder text, p_job_id text, p_task text, p_attempt integer, p_trigger text, p_ttl_ms integer)
 RETURNS TABLE(outcome text, run_id bigint, slot integer, kind text, subject_id uuid, pool text, interval_ms integer, previous_sync_status text, last_synced_at timestamp with time zone, consecutive_failures integer, auth_failures integer, pacing_min_interval_ms integer, pacing_hourly_cap integer, pool_min_interval_ms integer, pool_hourly_cap integer, pool_max_concurrency integer)
 LANGUAGE plpgsql
AS $function$
declare
  t record;
  v_until timestamptz := now() + p_ttl_ms * interval '1 millisecond';
  v_slot integer;
  v_run_id bigint;
begin
  -- Bookkeeping need not wait for its WAL flush: a claim or run row lost to a crash is retried or
  -- reaped, and the job's own completion, committed after, flushes this commit with it.
  perform set_config('synchronous_commit', 'off', true);
  select s.*, p.min_interval_ms as p_min_interval_ms, p.hourly_cap as p_hourly_cap,
    p.max_concurrency as p_max_concurrency
  into t
  from synchub.sync_targets s join synchub.pools p on p.name = s.pool
  where s.id = p_target_id
  for update of s;
  if not found then
    return query select 'missing', null::bigint, null::integer, null, null::uuid, null, null::integer,
      null, null::timestamptz, null::integer, null::integer, null::integer, null::integer,
      null::integer, null::integer, null::integer;
    return;
  end if;
  if t.status <> 'active' then
    return query select 'paused', null::bigint, null::integer, t.kind, t.subject_id, t.pool,
      null::integer, null, null::timestamptz, null::integer, null::integer, null::integer,
      null::integer, t.p_min_interval_ms, null::integer, null::integer;
    return;
  end if;

  if t.claimed_by is null or t.claimed_until < now() then
    -- A free slot of the pool; slots are created on first use and when the cap is raised.
    for attempt in 1..2 loop
      update synchub.pool_slots s set claimed_by = p_holder, claimed_until = v_until
      where (s.pool, s.slot) = (
        select f.pool, f.slot from synchub.pool_slots f
        where f.pool = t.pool and f.slot < t.p_max_concurrency
          and (f.claimed_by is null or f.claimed_until < now())
        order by f.slot
        limit 1
        for update skip locked
      )
      returning s.slot into v_slot;
      exit when v_slot is not null;
      insert into synchub.pool_slots (pool, slot)
      select t.pool, n from generate_series(0, t.p_max_concurrency - 1) as n
      on conflict do nothing;
      exit when not found;
    end loop;
  end if;
  if v_slot is null then
    return query select 'busy', null::bigint, null::integer, t.kind, t.subject_id, t.pool,
      null::integer, null, null::timestamptz, null::integer, null::integer, null::integer,
      null::integer, t.p_min_interval_ms, null::integer, null::integer;
    return;
  end if;

  -- The next sync moves one interval out while this one runs, so a tick meanwhile does not
  -- enqueue it again; the run's outcome then sets the true next time.
  update synchub.sync_targets
  set claimed_by = p_holder, claimed_until = v_until, sync_status = 'running',
      next_sync_at = greatest(t.next_sync_at, now() + t.interval_ms * interval '1 millisecond'),
      updated_at = now()
  where id = p_target_id;
  insert into synchub.runs (task, kind, target_id, trigger, attempt, job_id)
  values (p_task, t.kind, p_target_id, p_trigger, p_attempt, p_job_id)
  returning id into v_run_id;

  return query select 'started', v_run_id, v_slot, t.kind, t.subject_id, t.pool, t.interval_ms,
    t.sync_status, t.last_synced_at, t.consecutive_failures, t.auth_failures,
    t.pacing_min_interval_ms, t.pacing_hourly_cap, t.p_min_interval_ms, t.p_hourly_cap,
    t.p_max_concurrency;
end
$function$
;

CREATE OR REPLACE FUNCTION synchub.complete_sync(p_run_id bigint, p_target_id uuid, p_holder text, p_pool text, p_slot integer, p_started_at timestamp with time zone, p_next_sync_at timestamp with time zone, p_dead_letter_id bigint)
 RETURNS void
 LANGUAGE plpgsql
AS $function$
begin
  perform set_config('synchronous_commit', 'off', true);
  update synchub.runs
  set status = 'succeeded', finished_at = now(),
      duration_ms = (extract(epoch from now() - started_at) * 1000)::integer
  where id = p_run_id and status = 'running';
  update synchub.sync_targets
  set sync_status = 'ok', sync_error = null, sync_error_class = null, consecutive_failures = 0,
      auth_failures = 0, last_synced_at = p_started_at, next_sync_at = p_next_sync_at,
      claimed_by = null, claimed_until = null, updated_at = now()
  where id = p_target_id;
  update synchub.pool_slots set claimed_by = null, claimed_until = null
  where pool = p_pool and slot = p_slot and claimed_by = p_holder;
  if p_dead_letter_id is not null then
    update synchub.dead_letters
    set status = 'resolved', closed_at = now(), closed_by = 'replay', next_auto_retry_at = null
    where id = p_dead_letter_id and status in ('open', 'replaying');
  end if;
end
$function$
;

CREATE OR REPLACE FUNCTION synchub.count_runs_of_deleted_target()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
declare
  v_from timestamptz;
begin
  select rolled_up_until into v_from from synchub.run_rollup_state for update;
  perform synchub.add_run_counts(array(
    select row(hour, task, kind, pool, status, duration_bucket, count(*), sum(duration_ms), max(finished_at))::synchub.run_rollups
    from synchub.finished_runs
    where target_id = old.id and finished_at >= v_from
    group by hour, task, kind, pool, status, duration_bucket));
  return old;
end;
$function$
;

CREATE OR REPLACE FUNCTION synchub.create_llm_costs_target()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
begin
  insert into synchub.sync_targets (id, kind, subject_id, pool, interval_ms, priority)
  select new.id, 'llm.costs', new.id, new.provider,
    (extract(epoch from synchub.tier_interval(t.tier)) * 1000)::integer, synchub.tier_priority(t.tier)
  from synchub.tenants t where t.id = new.tenant_id;
  perform synchub.request_sync(new.id, 'created');
  return new;
end
$function$
;

CREATE OR REPLACE FUNCTION synchub.delete_llm_costs_target()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
begin
  delete from synchub.sync_targets where kind = 'llm.costs' and subject_id = old.id;
  return old;
end
$function$
;

CREATE OR REPLACE FUNCTION synchub.duration_bucket(p_duration_ms bigint)
 RETURNS smallint
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
AS $function$
  select case
    when p_duration_ms is null or p_duration_ms <= 100 then 0
    when p_duration_ms <= 500 then 1
    when p_duration_ms <= 1000 then 2
    when p_duration_ms <= 5000 then 3
    when p_duration_ms <= 15000 then 4
    when p_duration_ms <= 60000 then 5
    when p_duration_ms <= 300000 then 6
    when p_duration_ms <= 900000 then 7
    else 8
  end::smallint
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

CREATE OR REPLACE FUNCTION synchub.request_sync(connection_id uuid, trigger text DEFAULT 'sql'::text)
 RETURNS bigint
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
declare
  v_target_id uuid;
begin
  if trigger is null or trigger not in ('schedule', 'manual', 'sql', 'created') then
    raise exception 'synchub.request_sync: trigger must be one of schedule, manual, sql, created (got %)',
      coalesce(pg_catalog.quote_literal(trigger), 'null')
      using errcode = 'invalid_parameter_value';
  end if;
  select s.id into v_target_id
  from synchub.sync_targets s
  where s.kind = 'llm.costs' and s.subject_id = request_sync.connection_id;
  if v_target_id is null then
    raise exception 'synchub.request_sync: no connection with id %', connection_id
      using errcode = 'no_data_found';
  end if;
  return synchub.request_target_sync(v_target_id, trigger);
end
$function$
;

CREATE OR REPLACE FUNCTION synchub.request_target_sync(target_id uuid, trigger text)
 RETURNS bigint
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
declare
  v_key text := 'sync:' || target_id::text;
  v_pending jsonb;
  v_job_id bigint;
begin
  if trigger is null or trigger not in ('schedule', 'manual', 'sql', 'created', 'webhook') then
    raise exception 'synchub.request_target_sync: trigger must be one of schedule, manual, sql, created, webhook (got %)',
      coalesce(pg_catalog.quote_literal(trigger), 'null')
      using errcode = 'invalid_parameter_value';
  end if;
  if not exists (select 1 from synchub.sync_targets s where s.id = request_target_sync.target_id) then
    raise exception 'synchub.request_target_sync: no sync target with id %', target_id
      using errcode = 'no_data_found';
  end if;

  -- The pending (not running) job of this target, if any. Its payload is not in
  -- graphile-worker's public jobs view, hence the private table, read only here.
  select j.id, j.payload::jsonb into v_job_id, v_pending
  from graphile_worker._private_jobs j
  where j.key = v_key and j.locked_at is null and j.attempts < j.max_attempts;
  if v_job_id is not null and trigger = 'schedule' then
    return v_job_id;
  end if;

  select (graphile_worker.add_job(
    'sync.target',
    pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object(
      'targetId', target_id,
      'trigger', trigger,
      'attempt', coalesce((v_pending ->> 'attempt')::integer, 1),
      'deadLetterId', v_pending -> 'deadLetterId'
    ))::json,
    priority := case when trigger = 'schedule'
      then (select s.priority from synchub.sync_targets s where s.id = request_target_sync.target_id)
      else 0 end,
    max_attempts := 5,
    job_key := v_key,
    -- Manual and SQL requests run now, even when a retry's backoff said later.
    job_key_mode := case when trigger in ('manual', 'sql', 'webhook') then 'replace' else 'preserve_run_at' end
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

CREATE OR REPLACE FUNCTION synchub.roll_up_runs(p_until timestamp with time zone)
 RETURNS bigint
 LANGUAGE plpgsql
AS $function$
declare
  v_from timestamptz;
  v_runs bigint;
begin
  select rolled_up_until into v_from from synchub.run_rollup_state for update;
  if p_until <= v_from then
    return 0;
  end if;
  v_runs := synchub.add_run_counts(array(
    select row(hour, task, kind, pool, status, duration_bucket, count(*), sum(duration_ms), max(finished_at))::synchub.run_rollups
    from synchub.finished_runs
    where finished_at >= v_from and finished_at < p_until
    group by hour, task, kind, pool, status, duration_bucket));
  update synchub.run_rollup_state set rolled_up_until = p_until;
  return v_runs;
end;
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

CREATE TRIGGER connections_create_target AFTER INSERT ON synchub.connections FOR EACH ROW EXECUTE FUNCTION synchub.create_llm_costs_target();

CREATE TRIGGER connections_delete_target AFTER DELETE ON synchub.connections FOR EACH ROW EXECUTE FUNCTION synchub.delete_llm_costs_target();

CREATE TRIGGER sync_targets_count_runs_before_delete BEFORE DELETE ON synchub.sync_targets FOR EACH ROW EXECUTE FUNCTION synchub.count_runs_of_deleted_target();

CREATE TRIGGER tenants_apply_tier AFTER UPDATE OF tier ON synchub.tenants FOR EACH ROW WHEN ((old.tier IS DISTINCT FROM new.tier)) EXECUTE FUNCTION synchub.apply_tenant_tier();

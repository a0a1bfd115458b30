-- S5 quotas: a plan caps daily uploads, monthly AI requests and stored bytes; each user of the host
-- app (user_ref, opaque to us) has one quota account on a plan. Consuming is one conditional
-- update of the account row, so racing callers can never push a counter past its plan's limit.
create table synchub.plans (
  id text primary key,
  name text not null,
  daily_uploads integer not null check (daily_uploads >= 0),
  monthly_ai_requests integer not null check (monthly_ai_requests >= 0),
  storage_bytes bigint not null check (storage_bytes >= 0)
);

insert into synchub.plans (id, name, daily_uploads, monthly_ai_requests, storage_bytes)
values
  ('free', 'Free', 10, 100, 1073741824),
  ('pro', 'Pro', 200, 5000, 107374182400),
  ('studio', 'Studio', 2000, 50000, 1099511627776);

create table synchub.quota_accounts (
  user_ref text primary key,
  plan_id text not null references synchub.plans (id),
  uploads_used_today integer not null default 0 check (uploads_used_today >= 0),
  ai_requests_used_month integer not null default 0 check (ai_requests_used_month >= 0),
  storage_bytes_used bigint not null default 0 check (storage_bytes_used >= 0),
  -- The periods the counters belong to; alerts fire once per (metric, level, period).
  day_started date not null default (now() at time zone 'UTC')::date,
  month_started date not null default date_trunc('month', now() at time zone 'UTC')::date,
  -- Storage has no calendar period; it starts again only on a manual reset.
  storage_started date not null default (now() at time zone 'UTC')::date,
  -- The highest level any counter is at: null below 80 %, 'warning' from 80 %, 'critical' at 100 %.
  alert_level text check (alert_level in ('warning', 'critical')),
  -- Stripe subscription state, written by the hourly stripe.syncSubscriptions job.
  stripe_subscription_id text,
  stripe_customer_id text,
  subscription_status text check (
    subscription_status in (
      'active', 'trialing', 'past_due', 'unpaid', 'canceled', 'incomplete', 'incomplete_expired', 'paused'
    )
  ),
  subscription_period_end timestamptz,
  subscription_synced_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index quota_accounts_plan_idx on synchub.quota_accounts (plan_id);

create table synchub.quota_alerts (
  id bigint generated always as identity primary key,
  user_ref text not null references synchub.quota_accounts (user_ref) on delete cascade,
  metric text not null check (metric in ('uploads', 'aiRequests', 'storageBytes')),
  level text not null check (level in ('warning', 'critical')),
  used bigint not null,
  "limit" bigint not null,
  -- Start of the counter's period when the alert fired (day, month or storage start).
  period_start date not null,
  at timestamptz not null default now()
);
-- What makes an alert fire once per period, however many consumes cross the line at once.
create unique index quota_alerts_once_per_period
  on synchub.quota_alerts (user_ref, metric, level, period_start);
create index quota_alerts_at_idx on synchub.quota_alerts (at desc);

insert into synchub.schedules (name, task, cron, time_zone, missed_policy, externally_triggerable, description)
values
  (
    'quota.resetDaily',
    'quota.resetDaily',
    '5 0 * * *',
    'UTC',
    'once',
    true,
    'Starts a new day for every quota account: clears daily upload counters (idempotent per day).'
  ),
  (
    'quota.resetMonthly',
    'quota.resetMonthly',
    '10 0 1 * *',
    'UTC',
    'once',
    true,
    'Starts a new month for every quota account: clears monthly AI request counters (idempotent per month).'
  ),
  (
    'stripe.syncSubscriptions',
    'stripe.syncSubscriptions',
    '0 * * * *',
    'UTC',
    'skip',
    true,
    'Copies every Stripe subscription''s status onto the quota account named by its metadata.user_ref.'
  );

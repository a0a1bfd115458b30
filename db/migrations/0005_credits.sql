-- S4 credits: the host app's users (user_ref is its id, opaque to us) hold subscriptions that
-- grant credits monthly; credits come in batches that expire. The balance is a cache of the sum
-- of remaining batch amounts, kept in step by the same statements that write the ledger.
create table synchub.subscriptions (
  id uuid primary key default gen_random_uuid(),
  user_ref text not null,
  plan text not null,
  monthly_credits integer not null check (monthly_credits >= 0),
  status text not null default 'active' check (status in ('active', 'past_due', 'canceled')),
  current_period_start timestamptz not null default now(),
  current_period_end timestamptz not null default now() + interval '1 month',
  created_at timestamptz not null default now()
);
create index subscriptions_active_idx on synchub.subscriptions (user_ref) where status = 'active';

create table synchub.credit_batches (
  id bigint generated always as identity primary key,
  user_ref text not null,
  amount integer not null check (amount >= 0),
  remaining integer not null check (remaining >= 0 and remaining <= amount),
  source text not null check (source in ('grant', 'purchase', 'adjustment')),
  -- 'YYYY-MM' for grants; what makes a grant happen once per user and month.
  grant_period text,
  expires_at timestamptz,
  created_at timestamptz not null default now(),
  check (source <> 'grant' or grant_period is not null)
);
-- At most one grant per user and period, whichever scheduler fires and however many at once:
-- the grant inserts with `on conflict do nothing` and only the inserted rows touch balances.
create unique index credit_batches_one_grant_per_period
  on synchub.credit_batches (user_ref, source, grant_period) where source = 'grant';
create index credit_batches_expiring_idx on synchub.credit_batches (expires_at) where remaining > 0;

create table synchub.credit_balances (
  user_ref text primary key,
  balance bigint not null default 0,
  updated_at timestamptz not null default now()
);

-- One row per business-job execution (credits and other non-sync jobs), whatever triggered it.
create table synchub.job_runs (
  id bigint generated always as identity primary key,
  task text not null,
  trigger text not null check (trigger in ('schedule', 'http', 'manual', 'qstash')),
  status text not null default 'running' check (status in ('running', 'succeeded', 'failed')),
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  duration_ms integer,
  results jsonb,
  error text
);
create index job_runs_task_idx on synchub.job_runs (task, started_at desc);

-- Every change to a balance, with the batch it touched and the run that made it.
create table synchub.credit_ledger (
  id bigint generated always as identity primary key,
  user_ref text not null,
  batch_id bigint references synchub.credit_batches (id) on delete set null,
  delta integer not null,
  reason text not null check (reason in ('grant', 'expire', 'purchase', 'consume', 'adjustment')),
  job_run_id bigint references synchub.job_runs (id) on delete set null,
  at timestamptz not null default now()
);
create index credit_ledger_user_idx on synchub.credit_ledger (user_ref, at desc);

-- Schedules an external scheduler may run over HTTP (POST /api/jobs/:task).
alter table synchub.schedules add column externally_triggerable boolean not null default false;

insert into synchub.schedules (name, task, cron, time_zone, missed_policy, externally_triggerable, description)
values
  (
    'credits.grant',
    'credits.grant',
    '0 1 * * *',
    'UTC',
    'once',
    true,
    'Grants every active subscription its monthly credits, once per user and month (daily, so a new subscription waits a day at most).'
  ),
  (
    'credits.expire',
    'credits.expire',
    '0 4 * * *',
    'UTC',
    'once',
    true,
    'Expires credit batches past their expiry and takes their remaining credits off the balances.'
  );

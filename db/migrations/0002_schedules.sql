-- Schedules as data: every recurring job, system jobs too, is a row here. graphile-worker's
-- crontab only ticks `schedules.tick` every minute; that task enqueues each due occurrence.
create table synchub.schedules (
  id uuid primary key default gen_random_uuid(),
  -- Stable handle for code and operators, e.g. "sync.tick".
  name text not null unique,
  -- graphile-worker task id enqueued for each occurrence.
  task text not null,
  payload jsonb not null default '{}',
  -- Five-field cron (minute hour day-of-month month day-of-week), read in time_zone's wall clock.
  cron text not null,
  -- IANA zone name; DST is resolved by the scheduler (packages/domain/src/schedules.ts).
  time_zone text not null default 'UTC',
  enabled boolean not null default true,
  -- What a tick does with occurrences it finds that are more than a minute old (worker down):
  -- skip them, run the most recent once, or run all of them up to catch_up_cap.
  missed_policy text not null default 'skip' check (missed_policy in ('skip', 'once', 'all')),
  catch_up_cap integer not null default 10 check (catch_up_cap > 0),
  description text not null default '',
  -- The latest scheduled occurrence a tick has handled (run or skipped).
  last_occurrence_at timestamptz,
  -- The scheduler's cursor: the first occurrence not handled yet. Null until the first tick
  -- (or while disabled); a tick then only considers an occurrence within the last minute.
  next_occurrence_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index schedules_due_idx on synchub.schedules (next_occurrence_at) where enabled;

-- One row per occurrence, whoever handled it. The primary key is what makes an occurrence run
-- exactly once across any number of workers: the tick inserts with `on conflict do nothing` and
-- enqueues only for the rows it actually inserted, in the same transaction.
create table synchub.schedule_occurrences (
  schedule_id uuid not null references synchub.schedules (id) on delete cascade,
  occurrence_at timestamptz not null,
  source text not null check (source in ('schedule', 'manual', 'catch_up')),
  status text not null check (status in ('enqueued', 'skipped')),
  job_id text,
  created_at timestamptz not null default now(),
  primary key (schedule_id, occurrence_at)
);

-- The connection scheduler, formerly a crontab entry of its own.
insert into synchub.schedules (name, task, cron, time_zone, missed_policy, description)
values (
  'sync.tick',
  'sync.tick',
  '* * * * *',
  'UTC',
  'skip',
  'Enqueues a sync for every connection that is due. A missed minute is not worth replaying: the next tick finds whatever is due.'
);

-- The operator console (issue 16): run history filters, the HTTP calls of each run, and the
-- workers' capacity.

-- Runs by target kind, trigger and task, newest first, each with the list's keyset order, so a
-- filtered page walks its own rows instead of the whole history. A rare kind or trigger (manual,
-- replay) among many scheduled syncs would otherwise be found by walking runs_started_id_idx.
create index runs_kind_started_id_idx on synchub.runs (kind, started_at desc, id desc)
  where kind is not null;
create index runs_trigger_started_id_idx on synchub.runs (trigger, started_at desc, id desc);
drop index synchub.runs_task_idx;
create index runs_task_started_id_idx on synchub.runs (task, started_at desc, id desc);

-- Every HTTP attempt a connector made during a run, retries included: what the operator needs to
-- see why a sync was slow or failed, never a secret. The path keeps query parameter names only
-- (values become '…'); headers and bodies are never stored; errors pass the secrets scrub first.
-- At most 100 per run: the rest are only counted in runs.http_calls_dropped. Deleted with their
-- run (history pruning deletes runs).
create table synchub.run_http_calls (
  run_id bigint not null references synchub.runs (id) on delete cascade,
  seq smallint not null check (seq between 1 and 100),
  method text not null check (length(method) <= 16),
  host text not null check (length(host) <= 255),
  path text not null check (length(path) <= 2000),
  status smallint check (status between 100 and 599),
  duration_ms integer not null check (duration_ms >= 0),
  attempt smallint not null check (attempt >= 1),
  error text check (length(error) <= 500),
  started_at timestamptz not null,
  primary key (run_id, seq)
);

alter table synchub.runs add column http_calls_dropped integer not null default 0
  check (http_calls_dropped >= 0);

-- How many jobs a worker process runs at once, for the console's workers list (jobs held out of
-- concurrency). Null for a process that started before this release.
alter table synchub.worker_heartbeats add column concurrency integer check (concurrency >= 1);

-- Every task runs through one wrapper (packages/jobs/src/engine/defineTask.ts): each execution is
-- a job_runs row with its attempt and error class, retried by the task's policy and dead-lettered
-- when spent. A replayed dead letter runs with the trigger 'replay'.

alter table synchub.job_runs
  add column attempt integer not null default 1 check (attempt >= 1),
  add column error_class text check (error_class in ('transient', 'permanent')),
  add column dead_letter_id bigint references synchub.dead_letters (id) on delete set null;

alter table synchub.job_runs drop constraint job_runs_trigger_check;
alter table synchub.job_runs add constraint job_runs_trigger_check
  check (trigger in ('schedule', 'http', 'manual', 'qstash', 'sql', 'replay'));

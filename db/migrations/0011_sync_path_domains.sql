-- Cheaper writes on the sync path (bench/, "engine overhead"); the same values are allowed.
--   * Postgres checks every CHECK constraint of a table on every update of a row, whichever
--     columns the update sets, and prepares each constraint's expression again for every
--     statement. Each sync writes its connection twice and its run twice, so the 11 constraints of
--     connections, sync_runs and provider_slots were a quarter of the bookkeeping's instructions.
--     A domain's check runs only on a value being written, with its expression parsed and planned
--     once per session. So those columns take domains with the same rules, and the table CHECKs go.
--   * The bookkeeping functions reach rows by key only, but on a small table (provider_slots, a
--     few rows per provider) the planner picks sequential scans, and a scan checks every row of
--     the table against the statement's snapshot. With sequential scans off inside these two
--     functions they use the primary keys.
-- Postgres instructions per sync opened and closed (`pnpm bench:instructions`): 2,385,753 before,
-- 1,782,286 with the domains, 1,373,827 with sequential scans off as well.
-- Changing a column to a domain with a check rewrites the table (an ACCESS EXCLUSIVE lock while it
-- runs), once.

create domain synchub.connection_status as text
  constraint connection_status_values check (value in ('active', 'paused'));
create domain synchub.sync_status as text
  constraint sync_status_values check (value in ('pending', 'running', 'ok', 'failed'));
create domain synchub.run_status as text
  constraint run_status_values check (value in ('running', 'succeeded', 'failed', 'deferred'));
create domain synchub.run_trigger as text
  constraint run_trigger_values check (value in ('schedule', 'manual', 'sql', 'created'));
create domain synchub.error_class as text
  constraint error_class_values check (value in ('transient', 'permanent'));
create domain synchub.failure_count as integer
  constraint failure_count_not_negative check (value >= 0);
create domain synchub.interval_ms as integer
  constraint interval_ms_not_negative check (value >= 0);
create domain synchub.hourly_cap as integer
  constraint hourly_cap_positive check (value > 0);
create domain synchub.slot_number as integer
  constraint slot_number_not_negative check (value >= 0);

alter table synchub.connections
  drop constraint connections_status_check,
  drop constraint connections_sync_status_check,
  drop constraint connections_sync_error_class_check,
  drop constraint connections_consecutive_failures_check,
  drop constraint connections_auth_failures_check,
  drop constraint connections_pacing_min_interval_ms_check,
  drop constraint connections_pacing_hourly_cap_check,
  alter column status type synchub.connection_status,
  alter column sync_status type synchub.sync_status,
  alter column sync_error_class type synchub.error_class,
  alter column consecutive_failures type synchub.failure_count,
  alter column auth_failures type synchub.failure_count,
  alter column pacing_min_interval_ms type synchub.interval_ms,
  alter column pacing_hourly_cap type synchub.hourly_cap;

alter table synchub.sync_runs
  drop constraint sync_runs_status_check,
  drop constraint sync_runs_trigger_check,
  drop constraint sync_runs_error_class_check,
  alter column status type synchub.run_status,
  alter column trigger type synchub.run_trigger,
  alter column error_class type synchub.error_class;

alter table synchub.provider_slots
  drop constraint provider_slots_slot_check,
  alter column slot type synchub.slot_number;

alter function synchub.begin_syncs(jsonb) set enable_seqscan = off;
alter function synchub.complete_syncs(jsonb) set enable_seqscan = off;

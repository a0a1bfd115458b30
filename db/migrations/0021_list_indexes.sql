-- Every admin list pages by keyset (issue 15): a page is the rows after the previous page's last
-- one in the list's order, found with a row-value comparison such as
-- (started_at, id) < ($1, $2). These indexes hold each list's order with its unique tiebreaker,
-- one per filter the admin offers where the filter alone would leave too many rows to walk, and
-- trigram indexes for the name search (ilike '%text%').
--
-- An index that a longer one below now covers (same leading columns) is dropped, so the busiest
-- tables (runs, audit_log) do not keep two.

create extension if not exists pg_trgm;

-- Runs, newest first: all of them, one target's, one status's, the scheduler's ticks (a few per
-- minute among every sync) and the business jobs (neither a target's nor a tick).
drop index synchub.runs_started_idx;
create index runs_started_id_idx on synchub.runs (started_at desc, id desc);
drop index synchub.runs_target_idx;
create index runs_target_started_id_idx on synchub.runs (target_id, started_at desc, id desc);
create index runs_status_started_id_idx on synchub.runs (status, started_at desc, id desc);
create index runs_ticks_started_id_idx on synchub.runs (started_at desc, id desc)
  where task in ('schedules.tick', 'sync.tick');
create index runs_jobs_started_id_idx on synchub.runs (started_at desc, id desc)
  where target_id is null and task not in ('schedules.tick', 'sync.tick');

-- Connections by tenant name, tenant id, name, id: the tenants in order, each tenant's connections
-- in order. Names are searched by trigram.
create index tenants_name_id_idx on synchub.tenants (name, id);
create index tenants_name_trgm_idx on synchub.tenants using gin (name gin_trgm_ops);
drop index synchub.connections_tenant_idx;
create index connections_tenant_name_id_idx on synchub.connections (tenant_id, name, id);
create index connections_name_trgm_idx on synchub.connections using gin (name gin_trgm_ops);
-- The status filters pick a few targets among many (failing, running, paused ones).
create index sync_targets_sync_status_idx on synchub.sync_targets (sync_status, kind);
create index sync_targets_paused_idx on synchub.sync_targets (kind) where status = 'paused';

-- Dead letters, the latest failure first: all, by status, and one open group's.
create index dead_letters_failed_id_idx on synchub.dead_letters (last_failed_at desc, id desc);
create index dead_letters_status_failed_id_idx on synchub.dead_letters (status, last_failed_at desc, id desc);
drop index synchub.dead_letters_open_idx;
create index dead_letters_open_group_idx on synchub.dead_letters (fingerprint, last_failed_at desc, id desc)
  where status = 'open';

-- The audit log, newest first: all, by object type (and object), by object, by actor, by action
-- (text_pattern_ops, so a family such as 'auth.%' is a range of it too).
drop index synchub.audit_log_at_idx;
create index audit_log_at_id_idx on synchub.audit_log (at desc, id desc);
create index audit_log_object_type_idx on synchub.audit_log (object_type, object_id, at desc, id desc);
create index audit_log_object_id_idx on synchub.audit_log (object_id, at desc, id desc)
  where object_id is not null;
create index audit_log_actor_idx on synchub.audit_log (actor, at desc, id desc);
create index audit_log_action_idx on synchub.audit_log (action text_pattern_ops, at desc, id desc);

-- Pacing keys: the pools' few first, then one per credential (up to one per target).
create index rate_limits_listing_idx on synchub.rate_limits ((key like 'credential:%'), key);

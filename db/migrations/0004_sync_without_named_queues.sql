-- graphile-worker's named queues serialise jobs but cost about half of the worker's throughput.
-- A sync now holds a lease on its connection instead (synchub.acquire_lease, cap 1), so
-- request_sync enqueues without a queue name. Jobs enqueued earlier keep their queue and still run.
create or replace function synchub.request_sync(connection_id uuid, trigger text default 'sql')
returns bigint
language plpgsql volatile as $$
declare
  job_id bigint;
begin
  if not exists (select 1 from synchub.connections c where c.id = request_sync.connection_id) then
    raise exception 'synchub.request_sync: no connection with id %', connection_id
      using errcode = 'no_data_found';
  end if;
  select (graphile_worker.add_job(
    'sync.connection',
    json_build_object('connectionId', connection_id, 'trigger', trigger),
    priority := case when trigger in ('manual', 'sql', 'created') then 0 else 30 end,
    max_attempts := 5,
    job_key := 'sync:' || connection_id::text,
    job_key_mode := 'preserve_run_at'
  )).id into job_id;
  return job_id;
end
$$;

update synchub.dead_letters set queue_name = null where task = 'sync.connection';

-- S5's Stripe subscription sync becomes a sync kind, `stripe.subscriptions`, run by the one loop
-- (issue 14): paced by a `stripe` pool, retried and dead-lettered per target, due hourly by its
-- target's interval instead of a schedule row.
--
-- Its subject is the deployment's Stripe account (the worker's STRIPE_SECRET_KEY), which has no
-- table of its own: the target's subject id is a fixed id naming it. It starts paused; a worker
-- started with a Stripe key resumes it (and one started without pauses it again, saying why).

-- Stripe allows 100 read requests a second in live mode and 25 in test mode; one listing at a
-- time, a page every 100 ms, stays far inside both.
insert into synchub.pools (name, min_interval_ms, hourly_cap, max_concurrency)
values ('stripe', 100, 36000, 1)
on conflict (name) do nothing;

insert into synchub.sync_targets (id, kind, subject_id, pool, interval_ms, priority, status, paused_reason)
values ('00000000-0000-4000-8000-000000005e01', 'stripe.subscriptions',
        '00000000-0000-4000-8000-000000005e01', 'stripe', 3600000, 20,
        'paused', 'STRIPE_SECRET_KEY is not set');

delete from synchub.schedules where name = 'stripe.syncSubscriptions';

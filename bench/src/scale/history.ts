/**
 * The seeded database's last 30 days: runs, open dead letters and the audit log, one set-based
 * statement each (over generate_series; the clock's occurrences come from the schedules' crons).
 */
import type { Database } from "@synchub/db";
import { errorFingerprint, nextOccurrences } from "@synchub/domain";
import { cronItems } from "@synchub/jobs";
import { sql } from "kysely";

const DEAD_LETTER_GROUPS = 50;

/** What the clock's runs answered and how long they took, for the tasks the Credits page shows. */
const CLOCK_RUNS: Record<string, { ms: number; results: object }> = {
  "schedules.tick": { ms: 8, results: { schedules: 8, enqueued: 1, skipped: 0, pruned: 0, errors: [] } },
  "sync.tick": { ms: 40, results: { enqueued: 140 } },
  "credits.grant": { ms: 2300, results: { granted: 1200, skipped: 98800, failed: 0 } },
  "credits.expire": { ms: 900, results: { expired: 310, credits: 15500 } },
  "quota.resetDaily": { ms: 400, results: { accountsReset: 52000 } },
  "quota.resetMonthly": { ms: 700, results: { accountsReset: 61000 } },
};
/** One clock run in this many failed (the same ones at every size, so both have the same series). */
const CLOCK_FAIL_EVERY = 1000;

/**
 * The clock's work over the last 30 days, the same at every size: every occurrence of every
 * enabled schedule row and of the crontab (schedules.tick), as the tasks' runs.
 */
async function clockOccurrences(db: Database) {
  const { rows } = await sql<{ task: string; cron: string; time_zone: string }>`
    select task, cron, time_zone from synchub.schedules where enabled`.execute(db);
  const entries = [
    ...rows.map((row) => ({ task: row.task, cron: row.cron, timeZone: row.time_zone })),
    ...cronItems.flatMap((item) =>
      typeof item.match === "string" ? [{ task: item.task, cron: item.match, timeZone: "UTC" }] : [],
    ),
  ];
  const now = Date.now();
  const from = new Date(now - 30 * 86_400_000);
  const runs = {
    task: [] as string[],
    at: [] as string[],
    /** The occurrence's number within its task. */
    k: [] as number[],
    ms: [] as number[],
    results: [] as string[],
  };
  for (const entry of entries) {
    const shape = CLOCK_RUNS[entry.task] ?? { ms: 50, results: {} };
    for (const [index, at] of occurrencesUntil(entry.cron, entry.timeZone, from, now - 60_000).entries()) {
      runs.task.push(entry.task);
      runs.at.push(at.toISOString());
      runs.k.push(index + 1);
      runs.ms.push(shape.ms);
      runs.results.push(JSON.stringify(shape.results));
    }
  }
  return runs;
}

/** A cron's occurrences after `from` up to `until`, asked for a day's worth of minutes at a time. */
function occurrencesUntil(cron: string, timeZone: string, from: Date, until: number): Date[] {
  const out: Date[] = [];
  for (let after = from; ; ) {
    const batch = nextOccurrences(cron, timeZone, after, 1_440);
    const kept = batch.filter((at) => at.getTime() <= until);
    out.push(...kept);
    if (kept.length < batch.length || batch.length === 0) return out;
    after = batch[batch.length - 1]!;
  }
}

/**
 * 30 days of runs, inserted in time order (ids grow with started_at, as they do in production):
 * `count` sync.target runs on random targets, 93 % succeeded (0.5 s to 2 min), 5 % failed, 2 %
 * deferred, triggered 92 % by the schedule and the rest by hand, replays, SQL and webhooks; plus
 * the clock's work (about 100,000 runs at every size): the scheduler's two ticks a minute, the
 * dead-letter retry every 5 minutes, the daily and monthly business jobs, the upkeep.
 */
export async function seedRuns(db: Database, count: number) {
  const clock = await clockOccurrences(db);
  await sql`
    with target as (
      select id, row_number() over (order by id) as n from synchub.sync_targets where kind = 'llm.costs'
    ), sync as (
      select i, target.id as target_id, status, r_trigger, finished,
        case status when 'succeeded' then 500 * exp(r_duration * ln(240))
          when 'failed' then 100 * exp(r_duration * ln(300)) else 20 + 300 * r_duration end::int as ms
      from (
        select i, 1 + floor(random() * (select count(*) from target))::int as n, random() as r_trigger,
          random() as r_duration, now() - random() * interval '30 days' as finished,
          (array['succeeded', 'failed', 'deferred'])[case when random() < 0.93 then 1 when random() < 5 / 7.0 then 2 else 3 end] as status
        from generate_series(1, ${count}) as i
      ) as drawn
      join target using (n)
    ), clock as (
      select task, at, (ms * (0.5 + random()))::int as ms, results,
        case when k % ${CLOCK_FAIL_EVERY} = 0 then 'failed' else 'succeeded' end as status
      from unnest(${clock.task}::text[], ${clock.at}::timestamptz[], ${clock.k}::int[], ${clock.ms}::int[],
        ${clock.results}::jsonb[]) as occurrence(task, at, k, ms, results)
    )
    insert into synchub.runs (task, kind, target_id, trigger, status, job_id, attempt, started_at, finished_at,
      duration_ms, pages, rows_fetched, rows_inserted, rows_updated, error, error_class, deferred_until, results)
    select * from (
      select 'sync.target', 'llm.costs', target_id,
        case when r_trigger < 0.92 then 'schedule' when r_trigger < 0.96 then 'manual'
             when r_trigger < 0.98 then 'replay' when r_trigger < 0.99 then 'sql' else 'webhook' end,
        status, (1000000 + i)::text, case when status = 'failed' then 1 + i % 5 else 1 end,
        finished - ms * interval '1 millisecond' as started_at, finished, ms,
        case when status = 'succeeded' then 1 + i % 5 else 0 end,
        case when status = 'succeeded' then (1 + i % 5) * (i % 97) else 0 end,
        case when status = 'succeeded' then i % 31 else 0 end,
        case when status = 'succeeded' then (1 + i % 5) * (i % 97) - i % 31 else 0 end,
        case when status = 'failed' then (array[
            'answered 503 after 30 s (upstream timeout)', 'answered 429: rate limited, retry after 60 s',
            'connection reset by peer (ECONNRESET)', 'rejected the admin key (401 invalid_api_key)',
            'answered 400: start_time is out of range'])[1 + i % 5]
          when status = 'deferred' then 'Rate limit provider has no budget until the next window' end,
        case when status = 'failed' then case when i % 5 < 3 then 'transient' else 'permanent' end end,
        case when status = 'deferred' then finished + interval '10 minutes' end,
        null::jsonb
      from sync
      union all
      select task, null, null, 'schedule', status, null, 1, at, at + ms * interval '1 millisecond', ms,
        0, 0, 0, 0, case when status = 'failed' then task || ' timed out after 60 s' end,
        case when status = 'failed' then 'transient' end, null, results
      from clock
    ) as run
    order by started_at`.execute(db);
}

/**
 * Open dead letters of sync.target, on the failing and auth-paused targets (a target may have a
 * few), in DEAD_LETTER_GROUPS causes: group sizes fall off like real incidents (a few large), about
 * two in five causes permanent, the transient ones waiting for the periodic retry.
 */
export async function seedDeadLetters(db: Database, count: number) {
  const causes = deadLetterCauses();
  await sql`
    with target as (
      select id, row_number() over (order by id) as n from synchub.sync_targets
      where kind = 'llm.costs' and sync_status = 'failed'
    ), letter as (
      select i, 1 + floor(${causes.length} * random() ^ 2)::int as g,
        now() - random() * interval '30 days' as first_failed, random() as r
      from generate_series(1, ${count}) as i
    )
    insert into synchub.dead_letters (task, payload, job_key, queue_name, target_id, error_class, error,
      fingerprint, attempts, first_failed_at, last_failed_at, status, auto_retries, next_auto_retry_at)
    select 'sync.target', jsonb_build_object('targetId', target.id, 'trigger', 'schedule', 'attempt', 5),
      'sync:' || target.id, null, target.id, cause.error_class,
      replace(cause.message, '#', (1000 + letter.i % 9000)::text), cause.fingerprint, 5,
      letter.first_failed, letter.first_failed + letter.r * (now() - letter.first_failed), 'open',
      case when cause.error_class = 'transient' then letter.i % 4 else 0 end,
      case when cause.error_class = 'transient' then now() + letter.r * interval '1 hour' end
    from letter
    join unnest(${causes.map((c) => c.message)}::text[], ${causes.map((c) => c.errorClass)}::text[],
        ${causes.map((c) => c.fingerprint)}::text[]) with ordinality as cause(message, error_class, fingerprint, g)
      using (g)
    join target on target.n = 1 + letter.i % (select count(*) from target)`.execute(db);
}

/** 4 providers x 12 causes + 2 of the engine's own: '#' stands for a number that varies per letter. */
function deadLetterCauses() {
  // Largest groups first (the letter's group is skewed towards the start of the list).
  const perProvider = [
    ["transient", "answered 503 after # s (upstream timeout)"],
    ["permanent", "rejected the admin key (401 invalid_api_key): sk-adm***#"],
    ["transient", "answered 429: rate limited, retry after # s"],
    ["permanent", "answered 400: start_time is out of range (# days back)"],
    ["transient", "answered 502 Bad Gateway (request #)"],
    ["permanent", "answered 403: the key lacks the usage.read permission"],
    ["transient", "connection reset by peer (ECONNRESET) after # ms"],
    ["transient", "answered 500 Internal Server Error (request #)"],
    ["permanent", "answered 404: organization org_# not found"],
    ["transient", "socket hang up after # ms"],
    ["permanent", "answered 400: the page cursor # is invalid"],
    ["transient", "DNS lookup failed (EAI_AGAIN), attempt #"],
  ] as const;
  const causes = [
    ...perProvider.flatMap(([errorClass, text]) =>
      ["openai", "anthropic", "openrouter", "volcengine"].map((provider) => ({
        errorClass,
        message: `${provider} ${text}`,
      })),
    ),
    { errorClass: "transient", message: "The job's lock expired after # s: the worker stopped mid-sync" },
    { errorClass: "permanent", message: "Invalid payload for sync.target: attempt: expected number, got #" },
  ];
  if (causes.length !== DEAD_LETTER_GROUPS) throw new Error("scale: expected 50 dead-letter causes");
  return causes.map((cause) => ({
    ...cause,
    fingerprint: errorFingerprint("sync.target", cause.errorClass, cause.message.replaceAll("#", "0")),
  }));
}

/**
 * Audit entries over 30 days in the mix the API writes: logins, connection actions, dead-letter
 * replays and discards (by hand and by the periodic retry), settings changes.
 */
export async function seedAudit(db: Database, count: number) {
  await sql`
    with entry as (
      select i, random() * 100 as r, now() - random() * interval '30 days' as at,
        (array['admin', 'ops-alice', 'ops-bob', 'ops-chen', 'viewer-dana'])[1 + i % 5] as person
      from generate_series(1, ${count}) as i
    ), connection as (
      select id, row_number() over (order by id) as n from synchub.connections
    )
    insert into synchub.audit_log (at, actor, action, object_type, object_id, details)
    select entry.at, case when kind.action = 'dead_letter.auto_retry' then 'system' else entry.person end,
      kind.action, kind.object_type,
      case kind.object_type
        when 'user' then entry.person
        when 'connection' then connection.id::text
        when 'dead_letter' then (1 + entry.i % 10000)::text
        when 'provider' then (array['openai', 'anthropic', 'openrouter', 'volcengine'])[1 + entry.i % 4]
        else 'sync.tick' end,
      case when kind.object_type = 'user' then jsonb_build_object('address', '10.0.' || entry.i % 256 || '.7')
        else '{}'::jsonb end
    from entry
    join (values
      (0, 25, 'auth.login', 'user'), (25, 30, 'auth.login_failed', 'user'), (30, 30.5, 'auth.lockout', 'user'),
      (30.5, 35.5, 'connection.pause', 'connection'), (35.5, 40.5, 'connection.resume', 'connection'),
      (40.5, 50.5, 'connection.sync_now', 'connection'), (50.5, 54.5, 'connection.create', 'connection'),
      (54.5, 74.5, 'dead_letter.replay', 'dead_letter'), (74.5, 79.5, 'dead_letter.discard', 'dead_letter'),
      (79.5, 97.5, 'dead_letter.auto_retry', 'dead_letter'), (97.5, 98.5, 'schedule.update', 'schedule'),
      (98.5, 99, 'provider_settings.update', 'provider'), (99, 100.1, 'quota.reset', 'user')
    ) as kind(low, high, action, object_type) on entry.r >= kind.low and entry.r < kind.high
    left join connection on kind.object_type = 'connection'
      and connection.n = 1 + entry.i % (select count(*) from synchub.connections)`.execute(db);
}

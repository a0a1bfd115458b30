/**
 * Credits grant for 100,000 subscriptions (SPEC S4): the set-based grant in repositories/credits.ts
 * (one statement for every user) against a hand-rolled per-user loop, one statement per user
 * doing the same three writes (batch, ledger row, balance upsert) in its own transaction. The loop
 * runs on a sample of users for a later period and is extrapolated to the full set: at a few
 * hundred microseconds a round trip, the full loop would take most of a minute on its own.
 */
import { finishJobRun, grantMonthlyCredits, startJobRun } from "@synchub/db";
import { sql } from "kysely";
import type { BenchServer } from "./harness.ts";

const SUBSCRIPTIONS = 100_000;
const LOOP_SAMPLE = 2_000;
const TARGET_SECONDS = 10;

export async function creditsGrant(server: BenchServer) {
  const { db } = await server.newDatabase();

  // One subscription per user, in one statement; plans and amounts vary like a real customer base.
  await sql`
    insert into synchub.subscriptions (user_ref, plan, monthly_credits)
    select 'user_' || i, (array['free', 'pro', 'team'])[1 + i % 3], (array[100, 1000, 5000])[1 + i % 3]
    from generate_series(1, ${SUBSCRIPTIONS}) as i`.execute(db);
  await sql`analyze synchub.subscriptions`.execute(db);
  const expiresAt = new Date(Date.UTC(2027, 0, 1));

  // Set-based: the production path, with its run row, as the grant task does it.
  let started = performance.now();
  const runId = await startJobRun(db, "credits.grant", "manual");
  const counts = await grantMonthlyCredits(db, { period: "2026-11", expiresAt, runId: runId });
  await finishJobRun(db, runId, { status: "succeeded", results: { ...counts, failed: 0 } });
  const setSeconds = (performance.now() - started) / 1000;

  // The same grant again: every user is skipped, nothing is written twice.
  started = performance.now();
  const again = await grantMonthlyCredits(db, { period: "2026-11", expiresAt, runId: null });
  const againSeconds = (performance.now() - started) / 1000;

  // Per-user loop: read the users, then one statement per user (the shape cron glue usually has).
  const { rows: users } = await sql<{ user_ref: string; credits: number }>`
    select user_ref, sum(monthly_credits)::integer as credits
    from synchub.subscriptions where status = 'active'
    group by user_ref order by user_ref limit ${LOOP_SAMPLE}`.execute(db);
  started = performance.now();
  for (const user of users) {
    await sql`
      with inserted as (
        insert into synchub.credit_batches (user_ref, amount, remaining, source, grant_period, expires_at)
        values (${user.user_ref}, ${user.credits}, ${user.credits}, 'grant', '2026-12', ${expiresAt.toISOString()}::timestamptz)
        on conflict (user_ref, source, grant_period) where source = 'grant' do nothing
        returning id, user_ref, amount
      ), ledger as (
        insert into synchub.credit_ledger (user_ref, batch_id, delta, reason)
        select user_ref, id, amount, 'grant' from inserted
      )
      insert into synchub.credit_balances as b (user_ref, balance)
      select user_ref, amount from inserted
      on conflict (user_ref) do update set balance = b.balance + excluded.balance, updated_at = now()`.execute(
      db,
    );
  }
  const loopSampleSeconds = (performance.now() - started) / 1000;
  const loopSeconds = (loopSampleSeconds * SUBSCRIPTIONS) / users.length;

  const { rows: check } = await sql<{ batches: number; ledger: number; total: string }>`
    select (select count(*) from synchub.credit_batches where grant_period = '2026-11')::integer as batches,
           (select count(*) from synchub.credit_ledger l join synchub.credit_batches c on c.id = l.batch_id
             where c.grant_period = '2026-11')::integer as ledger,
           (select sum(amount) from synchub.credit_batches where grant_period = '2026-11')::text as total`.execute(
    db,
  );
  const c = check[0]!;
  const correct =
    counts.successful === SUBSCRIPTIONS &&
    again.skipped === SUBSCRIPTIONS &&
    again.successful === 0 &&
    c.batches === SUBSCRIPTIONS &&
    c.ledger === SUBSCRIPTIONS;

  const ratio = setSeconds / loopSeconds;
  return {
    name: "credits grant for 100,000 subscriptions",
    figure: `set-based grant of ${SUBSCRIPTIONS.toLocaleString("en")} users in ${setSeconds.toFixed(2)} s`,
    reference: `per-user loop ${loopSeconds.toFixed(1)} s (${users.length.toLocaleString("en")} users in ${loopSampleSeconds.toFixed(2)} s, extrapolated)`,
    ratio,
    target: `set-based under ${TARGET_SECONDS} s`,
    ok: setSeconds < TARGET_SECONDS && correct,
    detail: `${counts.successful} granted, ${c.batches} batches, ${c.ledger} ledger rows, ${Number(c.total).toLocaleString("en")} credits; a second run skipped ${again.skipped} in ${againSeconds.toFixed(2)} s; the loop is ${(1 / ratio).toFixed(0)}x slower`,
  };
}

import { createTestDatabase, type TestDatabase } from "@synchub/db/testing";
import { tierIntervalMs, tiers } from "@synchub/domain";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { insertOpenAIConnection, insertTenant, testContext } from "../testing.ts";
import { enqueueDueSyncs } from "./syncTick.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

describe("sync.tick", () => {
  it("enqueues each due connection once, higher tiers first, and pushes its next sync one interval out", async () => {
    const ids: Record<string, string> = {};
    for (const tier of ["free", "pro", "enterprise"] as const) {
      const { id: tenantId } = await insertTenant(t.db, tier, `${tier} tenant`);
      ids[tier] = await insertOpenAIConnection(t.db, { tenantId, adminKey: "sk-admin-unused-key" });
    }
    const notDue = await insertOpenAIConnection(t.db, {
      tenantId: (await insertTenant(t.db, "pro")).id,
      adminKey: "sk-admin-unused-key",
    });
    // Forget the first-sync jobs the inserts queued; make three connections due, one not.
    await sql`delete from graphile_worker._private_jobs`.execute(t.db);
    // Every other target (the Stripe account's) is not due in this test.
    await sql`update synchub.sync_targets set next_sync_at = now() + interval '1 hour' where kind <> 'llm.costs'`.execute(
      t.db,
    );
    await sql`update synchub.sync_targets set next_sync_at = now() - interval '1 minute' where kind = 'llm.costs'`.execute(
      t.db,
    );
    await sql`update synchub.sync_targets set next_sync_at = now() + interval '5 minutes' where id = ${notDue}`.execute(
      t.db,
    );

    expect(await enqueueDueSyncs(testContext(t.db))).toBe(3);
    // A second tick in the same minute finds nothing due.
    expect(await enqueueDueSyncs(testContext(t.db))).toBe(0);

    const { rows } = await sql<{ connection_id: string; priority: number }>`
      select payload->>'targetId' as connection_id, priority from graphile_worker._private_jobs
      order by priority, id`.execute(t.db);
    expect(rows.map((row) => row.connection_id)).toEqual([ids.enterprise, ids.pro, ids.free]);

    const free = await t.db
      .selectFrom("sync_targets")
      .select("next_sync_at")
      .where("id", "=", ids.free!)
      .executeTakeFirstOrThrow();
    expect(free.next_sync_at.getTime() - Date.now()).toBeGreaterThan(tierIntervalMs.free - 60_000);
  });

  it("spreads a burst over ticks: each enqueues at most its batch, highest priority first, in one add_jobs call", async () => {
    await sql`delete from graphile_worker._private_jobs`.execute(t.db);
    await sql`update synchub.sync_targets set next_sync_at = now() + interval '1 hour'`.execute(t.db);
    const { id: free } = await insertTenant(t.db, "free");
    const { id: enterprise } = await insertTenant(t.db, "enterprise");
    // 30 free and 10 enterprise targets due at once, set-based like a real burst.
    await sql`
      insert into synchub.connections (tenant_id, provider, name, base_url, credentials_encrypted)
      select case when n <= 30 then ${free}::uuid else ${enterprise}::uuid end, 'openai', 'burst ' || n, null, 'v2.x.y.z'
      from generate_series(1, 40) as n`.execute(t.db);
    await sql`delete from graphile_worker._private_jobs`.execute(t.db);
    await sql`update synchub.sync_targets s set next_sync_at = now() - interval '1 minute'
      from synchub.connections c where c.id = s.subject_id and c.name like 'burst %'`.execute(t.db);

    expect(await enqueueDueSyncs(testContext(t.db), 25)).toBe(25);
    const first = await sql<{ priority: number; n: number }>`
      select priority, count(*)::int as n from graphile_worker.jobs group by 1 order by 1`.execute(t.db);
    // The ten enterprise targets first, then fifteen of the free ones.
    expect(first.rows).toEqual([
      { priority: 10, n: 10 },
      { priority: 30, n: 15 },
    ]);
    expect(await enqueueDueSyncs(testContext(t.db), 25)).toBe(15);
    expect(await enqueueDueSyncs(testContext(t.db), 25)).toBe(0);
  });

  it("uses the same tier intervals in SQL as in the domain package", async () => {
    for (const tier of tiers) {
      const { rows } = await sql<{ ms: number }>`
        select extract(epoch from synchub.tier_interval(${tier}))::int * 1000 as ms`.execute(t.db);
      expect(rows[0]?.ms).toBe(tierIntervalMs[tier]);
    }
  });
});

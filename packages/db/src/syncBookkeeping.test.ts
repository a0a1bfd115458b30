import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Database } from "./client.ts";
import {
  type BeginOutcome,
  type BeginSyncInput,
  beginSync,
  beginSyncs,
  completeSyncs,
  createSyncBookkeeper,
  releaseSyncClaims,
} from "./repositories/syncBookkeeping.ts";
import { createTestDatabase, type TestDatabase } from "./testing.ts";

let t: TestDatabase;
// A second pool plays another worker process.
let second: Database;
beforeAll(async () => {
  t = await createTestDatabase();
  second = createDb({ connectionString: t.url, maxConnections: 10 });
});
afterAll(async () => {
  await second.destroy();
  await t.drop();
});

/** Paused connections get no first-sync job; the tests resume them to make them syncable. */
async function newConnections(provider: string, count: number): Promise<string[]> {
  const tenant = await t.db
    .insertInto("tenants")
    .values({ name: `T ${provider}`, tier: "pro" })
    .returning("id")
    .executeTakeFirstOrThrow();
  const rows = await t.db
    .insertInto("connections")
    .values(
      Array.from({ length: count }, (_, i) => ({
        tenant_id: tenant.id,
        provider,
        name: `${provider} ${i}`,
        credentials_encrypted: "v1.x.y.z",
        status: "paused" as const,
      })),
    )
    .returning("id")
    .execute();
  const ids = rows.map((row) => row.id);
  await t.db.updateTable("connections").set({ status: "active" }).where("id", "in", ids).execute();
  return ids;
}

async function setCap(provider: string, maxConcurrency: number) {
  await t.db
    .insertInto("provider_settings")
    .values({ provider, min_interval_ms: 0, hourly_cap: 1000, max_concurrency: maxConcurrency })
    .onConflict((oc) => oc.column("provider").doUpdateSet({ max_concurrency: maxConcurrency }))
    .execute();
}

function input(connectionId: string, holder: string, ttlMs = 60_000): BeginSyncInput {
  return { connectionId, holder, jobId: holder.slice(4), attempt: 1, trigger: "schedule", ttlMs };
}

const outcomes = (results: BeginOutcome[]) => results.map((result) => result.outcome);

describe("sync claims", () => {
  it("never starts more syncs of a provider than its cap, across workers; a finished one frees its slot", async () => {
    await setCap("capped", 2);
    const ids = await newConnections("capped", 6);
    const results = await Promise.all(
      ids.map((id, i) => beginSync(i % 2 ? second : t.db, input(id, `job:c${i}`))),
    );
    expect(outcomes(results).filter((o) => o === "started")).toHaveLength(2);
    expect(outcomes(results).filter((o) => o === "busy")).toHaveLength(4);
    // Busy keeps nothing: no run rows for the four that did not start.
    const runs = await t.db
      .selectFrom("sync_runs")
      .select("connection_id")
      .where("connection_id", "in", ids)
      .execute();
    expect(runs).toHaveLength(2);
    // ...and the connections that did not start are as they were: not running, not claimed.
    const notStarted = ids.filter((_, i) => results[i]!.outcome === "busy");
    const states = await t.db
      .selectFrom("connections")
      .select(["sync_status", "sync_holder"])
      .distinct()
      .where("id", "in", notStarted)
      .execute();
    expect(states).toEqual([{ sync_status: "pending", sync_holder: null }]);

    const done = results.findIndex((result) => result.outcome === "started");
    const waiting = results.findIndex((result) => result.outcome === "busy");
    const started = results[done]!;
    if (started.outcome !== "started") throw new Error("unreachable");
    await completeSyncs(t.db, [
      {
        runId: started.runId,
        connectionId: ids[done]!,
        holder: `job:c${done}`,
        provider: "capped",
        slot: started.slot,
        startedAt: new Date(),
        nextSyncAt: new Date(Date.now() + 3_600_000),
        deadLetterId: null,
      },
    ]);
    const connection = await t.db
      .selectFrom("connections")
      .select(["sync_status", "sync_holder"])
      .where("id", "=", ids[done]!)
      .executeTakeFirstOrThrow();
    expect(connection).toEqual({ sync_status: "ok", sync_holder: null });
    expect((await beginSync(t.db, input(ids[waiting]!, `job:c${waiting}`))).outcome).toBe("started");

    // A raised cap opens more slots at once.
    const next = results.findIndex((result, i) => result.outcome === "busy" && i !== waiting);
    expect((await beginSync(t.db, input(ids[next]!, `job:c${next}`))).outcome).toBe("busy");
    await setCap("capped", 3);
    expect((await beginSync(t.db, input(ids[next]!, `job:c${next}`))).outcome).toBe("started");
  });

  it("starts every first sync of a new provider at once while its slots are being created", async () => {
    // Racing first syncs each find no slots; whichever creates them, the others must see them.
    for (let round = 0; round < 5; round++) {
      const provider = `fresh-${round}`;
      await setCap(provider, 8);
      const ids = await newConnections(provider, 8);
      const results = await Promise.all(
        ids.map((id, i) => beginSync(i % 2 ? second : t.db, input(id, `job:f${round}-${i}`))),
      );
      expect(outcomes(results)).toEqual(Array(8).fill("started"));
    }
  });

  it("runs at most 4 syncs at once of a provider that has no settings row", async () => {
    const ids = await newConnections("unconfigured", 6);
    const results = await Promise.all(ids.map((id, i) => beginSync(t.db, input(id, `job:u${i}`))));
    expect(outcomes(results).filter((o) => o === "started")).toHaveLength(4);
    expect(results.find((result) => result.outcome === "busy")).toEqual({
      outcome: "busy",
      providerIntervalMs: null,
    });
  });

  it("runs one sync of a connection at a time; the same job asking again (a retry after a crash) gets it", async () => {
    await setCap("single", 10);
    const [id] = await newConnections("single", 1);
    expect((await beginSync(t.db, input(id!, "job:s1"))).outcome).toBe("started");
    expect((await beginSync(second, input(id!, "job:s2"))).outcome).toBe("busy");
    expect((await beginSync(second, input(id!, "job:s1"))).outcome).toBe("started");
    await releaseSyncClaims(t.db, { connectionId: id!, holder: "job:s1" });
    expect((await beginSync(second, input(id!, "job:s2"))).outcome).toBe("started");
  });

  it("lets a claim that outlived its time (a crashed holder) go", async () => {
    await setCap("expiring", 1);
    const [a, b] = await newConnections("expiring", 2);
    expect((await beginSync(t.db, input(a!, "job:e1", 1))).outcome).toBe("started");
    await new Promise((resolve) => setTimeout(resolve, 20));
    // The provider's only slot and the connection's claim are both free again.
    expect((await beginSync(t.db, input(b!, "job:e2"))).outcome).toBe("started");
    await releaseSyncClaims(t.db, { connectionId: b!, holder: "job:e2" });
    expect((await beginSync(t.db, input(a!, "job:e3"))).outcome).toBe("started");
  });

  it("answers missing for a deleted connection and paused for a paused one", async () => {
    const [id] = await newConnections("states", 1);
    expect((await beginSync(t.db, input("00000000-0000-4000-8000-000000000000", "job:m1"))).outcome).toBe(
      "missing",
    );
    await t.db.updateTable("connections").set({ status: "paused" }).where("id", "=", id!).execute();
    expect((await beginSync(t.db, input(id!, "job:p1"))).outcome).toBe("paused");
  });
});

describe("group commit", () => {
  it("opens many syncs at once in shared statements, each with its own answer", async () => {
    await setCap("batched", 100);
    const ids = await newConnections("batched", 40);
    const bookkeeper = createSyncBookkeeper(t.db, { maxInFlight: 1 });
    const results = await Promise.all(ids.map((id, i) => bookkeeper.begin(input(id, `job:b${i}`))));
    expect(outcomes(results).every((o) => o === "started")).toBe(true);
    const runs = await t.db
      .selectFrom("sync_runs")
      .select(["id", "connection_id"])
      .where("connection_id", "in", ids)
      .execute();
    // Each answer carries its own connection's run.
    const runOf = new Map(runs.map((run) => [String(run.id), run.connection_id]));
    results.forEach((result, i) => {
      if (result.outcome !== "started") throw new Error("unreachable");
      expect(runOf.get(result.runId)).toBe(ids[i]);
    });

    await Promise.all(
      results.map((result, i) =>
        result.outcome === "started"
          ? bookkeeper.complete({
              runId: result.runId,
              connectionId: ids[i]!,
              holder: `job:b${i}`,
              provider: "batched",
              slot: result.slot,
              startedAt: new Date(),
              nextSyncAt: new Date(Date.now() + 3_600_000),
              deadLetterId: null,
            })
          : undefined,
      ),
    );
    const statuses = await t.db
      .selectFrom("sync_runs")
      .select("status")
      .distinct()
      .where("connection_id", "in", ids)
      .execute();
    expect(statuses).toEqual([{ status: "succeeded" }]);
    const held = await t.db
      .selectFrom("provider_slots")
      .select("slot")
      .where("provider", "=", "batched")
      .where("holder", "is not", null)
      .execute();
    expect(held).toEqual([]);
  });

  it("answers each item of a mixed batch by its own connection, in whatever order the ids come", async () => {
    await setCap("mixed", 1);
    const ids = await newConnections("mixed", 4);
    const [paused, held, first, second] = ids;
    await t.db.updateTable("connections").set({ status: "paused" }).where("id", "=", paused!).execute();
    // Another job syncs `held`; the provider's only slot is free again for this batch.
    expect((await beginSync(t.db, input(held!, "job:x0"))).outcome).toBe("started");
    await t.db
      .updateTable("provider_slots")
      .set({ holder: null, held_until: null })
      .where("holder", "=", "job:x0")
      .execute();
    const missing = "ffffffff-ffff-4fff-bfff-ffffffffffff";
    // Descending id order, so the function gets them sorted differently from how they were asked.
    const asked = [missing, ...[paused!, held!, first!, second!].sort().reverse()];
    const results = await beginSyncs(
      t.db,
      asked.map((id, i) => input(id, `job:y${i}`)),
    );
    const byId = new Map(asked.map((id, i) => [id, results[i]!]));
    expect(byId.get(missing)).toEqual({ outcome: "missing" });
    expect(byId.get(paused!)).toEqual({ outcome: "paused" });
    // Of the two free connections, one gets the provider's only slot and the other is busy.
    expect(byId.get(held!)).toEqual({ outcome: "busy", providerIntervalMs: 0 });
    const free = [byId.get(first!)!, byId.get(second!)!];
    expect(free.map((r) => r.outcome).sort()).toEqual(["busy", "started"]);
    const started = free.find((r) => r.outcome === "started");
    if (started?.outcome !== "started") throw new Error("unreachable");
    const run = await t.db
      .selectFrom("sync_runs")
      .select("connection_id")
      .where("id", "=", started.runId)
      .executeTakeFirstOrThrow();
    expect(started.connection.id).toBe(run.connection_id);
    expect(started.connection.provider).toBe("mixed");
    expect(started.connection.provider_max_concurrency).toBe(1);
    // The one that found no slot kept nothing: its connection is neither claimed nor running.
    const busyId = started.connection.id === first ? second! : first!;
    const busyRow = await t.db
      .selectFrom("connections")
      .select(["sync_status", "sync_holder"])
      .where("id", "=", busyId)
      .executeTakeFirstOrThrow();
    expect(busyRow).toEqual({ sync_status: "pending", sync_holder: null });
  });

  it("closes before it opens in a shared statement: a slot freed by one sync goes to the next", async () => {
    await setCap("handover", 1);
    const [a, b] = await newConnections("handover", 2);
    const first = await beginSync(t.db, input(a!, "job:h1"));
    if (first.outcome !== "started") throw new Error(`expected started, got ${first.outcome}`);
    const bookkeeper = createSyncBookkeeper(t.db, { maxInFlight: 1 });
    // Asked in the same tick, the begin first: one batch, in which the completion still goes first.
    const [next] = await Promise.all([
      bookkeeper.begin(input(b!, "job:h2")),
      bookkeeper.complete({
        runId: first.runId,
        connectionId: a!,
        holder: "job:h1",
        provider: "handover",
        slot: first.slot,
        startedAt: new Date(),
        nextSyncAt: new Date(Date.now() + 3_600_000),
        deadLetterId: null,
      }),
    ]);
    expect(next.outcome).toBe("started");
  });

  it("frees the slot of a sync whose completion does not name it (begun before the upgrade)", async () => {
    await setCap("legacy", 1);
    const [a, b] = await newConnections("legacy", 2);
    const started = await beginSync(t.db, input(a!, "job:l1"));
    if (started.outcome !== "started") throw new Error(`expected started, got ${started.outcome}`);
    // The completion as 0009's workers sent it: no provider, no slot.
    await sql`select synchub.complete_syncs(${JSON.stringify([
      {
        runId: started.runId,
        connectionId: a,
        holder: "job:l1",
        startedAt: new Date(),
        nextSyncAt: new Date(Date.now() + 3_600_000),
        deadLetterId: null,
      },
    ])}::jsonb)`.execute(t.db);
    expect((await beginSync(t.db, input(b!, "job:l2"))).outcome).toBe("started");
  });

  it("fails only the bad item of a batch; the others go through one by one", async () => {
    await setCap("mixed", 100);
    const ids = await newConnections("mixed", 5);
    const bookkeeper = createSyncBookkeeper(t.db, { maxInFlight: 1 });
    // All six calls come in one tick, so they leave as one batch, which the bad id fails.
    const calls = [...ids.map((id, i) => input(id, `job:x${i}`)), input("not-a-uuid", "job:bad")];
    const settled = await Promise.allSettled(calls.map((call) => bookkeeper.begin(call)));
    expect(settled.slice(0, 5).map((s) => s.status === "fulfilled" && s.value.outcome)).toEqual(
      Array(5).fill("started"),
    );
    expect(settled[5]!.status).toBe("rejected");
    expect(String((settled[5] as PromiseRejectedResult).reason)).toMatch(/uuid/);
  });
});

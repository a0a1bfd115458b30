import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listRuns } from "./repositories/runs.ts";
import { createTestDatabase, insertTestConnection, type TestDatabase } from "./testing.ts";

let t: TestDatabase;
let connectionId: string;
beforeAll(async () => {
  t = await createTestDatabase();
  connectionId = await insertTestConnection(t.db, { status: "paused" });
  await t.db
    .insertInto("runs")
    .values([
      { task: "sync.target", kind: "llm.costs", target_id: connectionId, trigger: "manual" },
      { task: "credits.grant", trigger: "schedule" },
      { task: "schedules.tick", trigger: "schedule" },
      { task: "sync.tick", trigger: "schedule" },
    ])
    .execute();
});
afterAll(() => t.drop());

const tasksOf = async (scope?: "work" | "syncs" | "jobs" | "ticks" | "all") =>
  (await listRuns(t.db, scope ? { scope } : {})).items.map((run) => run.task).sort();

describe("the run history", () => {
  it("lists syncs and business jobs by default, leaving out the scheduler's ticks, which a filter shows", async () => {
    expect(await tasksOf()).toEqual(["credits.grant", "sync.target"]);
    expect(await tasksOf("syncs")).toEqual(["sync.target"]);
    expect(await tasksOf("jobs")).toEqual(["credits.grant"]);
    expect(await tasksOf("ticks")).toEqual(["schedules.tick", "sync.tick"]);
    expect(await tasksOf("all")).toHaveLength(4);
    const [sync] = (await listRuns(t.db, { scope: "syncs" })).items;
    expect(sync).toMatchObject({ connection_id: connectionId, connection_name: "c", provider: "openai" });
  });
});

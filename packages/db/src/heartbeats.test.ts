import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { beatHeart, reapDeadWorkers } from "./repositories/heartbeats.ts";
import { createTestDatabase, type TestDatabase } from "./testing.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

async function lockedBy(jobKey: string) {
  const { rows } = await sql<{ locked_by: string | null }>`
    select locked_by from graphile_worker._private_jobs where key = ${jobKey}`.execute(t.db);
  return rows[0]?.locked_by;
}

describe("worker heartbeats", () => {
  it("release the jobs of a worker process that stopped beating, and leave live ones alone", async () => {
    for (const [key, worker] of [
      ["dead-job", "worker-dead"],
      ["live-job", "worker-live"],
    ] as const) {
      await sql`select graphile_worker.add_job('noop', '{}'::json, job_key := ${key})`.execute(t.db);
      await sql`update graphile_worker._private_jobs set locked_by = ${worker}, locked_at = now()
        where key = ${key}`.execute(t.db);
    }
    await beatHeart(t.db, { processId: "p-dead", workerIds: ["worker-dead"], hostname: "a", pid: 1 });
    await beatHeart(t.db, { processId: "p-live", workerIds: ["worker-live"], hostname: "b", pid: 2 });
    await sql`update synchub.worker_heartbeats set last_seen_at = now() - interval '2 minutes'
      where process_id = 'p-dead'`.execute(t.db);

    expect(await reapDeadWorkers(t.db, 45_000)).toEqual(["p-dead"]);

    expect(await lockedBy("dead-job")).toBeNull();
    expect(await lockedBy("live-job")).toBe("worker-live");
    const left = await t.db.selectFrom("worker_heartbeats").select("process_id").execute();
    expect(left).toEqual([{ process_id: "p-live" }]);
  });
});

import { randomBytes } from "node:crypto";
import { beatHeart } from "@synchub/db";
import { createTestDatabase, type TestDatabase } from "@synchub/db/testing";
import { createSecretBox } from "@synchub/domain";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callerFor } from "../testing.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

const secrets = createSecretBox(randomBytes(32).toString("base64"));

describe("workers.list", () => {
  it("lists the processes seen in the last day, alive or silent, with the jobs their workers hold", async () => {
    await beatHeart(t.db, {
      processId: "p-live",
      workerIds: ["pool-1", "worker-1"],
      hostname: "host-a",
      pid: 101,
      concurrency: 4,
    });
    await beatHeart(t.db, { processId: "p-silent", workerIds: ["pool-2"], hostname: "host-b", pid: 202 });
    await beatHeart(t.db, { processId: "p-gone", workerIds: ["pool-3"], hostname: "host-c", pid: 303 });
    await t.db
      .updateTable("worker_heartbeats")
      .set({ last_seen_at: sql`now() - interval '10 minutes'` })
      .where("process_id", "=", "p-silent")
      .execute();
    await t.db
      .updateTable("worker_heartbeats")
      .set({ last_seen_at: sql`now() - interval '25 hours'` })
      .where("process_id", "=", "p-gone")
      .execute();
    for (const lockedBy of ["pool-1", "worker-1", "pool-2"]) {
      const { rows } = await sql<{
        id: string;
      }>`select id::text from graphile_worker.add_job('sync.target', '{}'::json)`.execute(t.db);
      await sql`update graphile_worker._private_jobs set locked_at = now(), locked_by = ${lockedBy}
        where id = ${rows[0]!.id}::bigint`.execute(t.db);
    }

    const workers = await callerFor(t.db, secrets).workers.list();
    expect(workers.map((worker) => worker.id).sort()).toEqual(["p-live", "p-silent"]);
    const live = workers.find((worker) => worker.id === "p-live");
    expect(live).toMatchObject({ hostname: "host-a", pid: 101, alive: true, concurrency: 4, jobsHeld: 2 });
    expect(live?.startedAt).toBeInstanceOf(Date);
    expect(live?.lastBeatAt).toBeInstanceOf(Date);
    expect(workers.find((worker) => worker.id === "p-silent")).toMatchObject({
      alive: false,
      concurrency: null,
      jobsHeld: 1,
    });
  });
});

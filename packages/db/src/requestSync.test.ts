import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "./client.ts";
import { createTestDatabase, insertTestConnection, type TestDatabase } from "./testing.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

function newConnection(db: Database, status: "active" | "paused" = "paused") {
  return insertTestConnection(db, { status });
}

async function jobsFor(db: Database, id: string) {
  const { rows } = await sql<{ task_identifier: string; payload: { trigger: string } }>`
    select t.identifier as task_identifier, j.payload
    from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
    where j.key = ${`sync:${id}`}`.execute(db);
  return rows;
}

class Rollback extends Error {}

describe("synchub.request_sync", () => {
  it("enqueues nothing when the caller's transaction rolls back", async () => {
    const id = await newConnection(t.db);
    await expect(
      t.db.transaction().execute(async (trx) => {
        await sql`select synchub.request_sync(${id}::uuid)`.execute(trx);
        expect(await jobsFor(trx as unknown as Database, id)).toHaveLength(1);
        throw new Rollback();
      }),
    ).rejects.toBeInstanceOf(Rollback);
    expect(await jobsFor(t.db, id)).toEqual([]);
  });

  it("keeps one pending job per connection however often it is asked", async () => {
    const id = await newConnection(t.db);
    await sql`select synchub.request_sync(${id}::uuid, 'manual')`.execute(t.db);
    await sql`select synchub.request_sync(${id}::uuid, 'manual')`.execute(t.db);
    await sql`select synchub.request_sync(${id}::uuid, 'sql')`.execute(t.db);
    const jobs = await jobsFor(t.db, id);
    expect(jobs).toHaveLength(1);
    expect(jobs[0]?.task_identifier).toBe("sync.target");
  });

  it("names the unknown connection instead of enqueuing a job that cannot run", async () => {
    const missing = "00000000-0000-4000-8000-00000000dead";
    await expect(sql`select synchub.request_sync(${missing}::uuid)`.execute(t.db)).rejects.toThrow(
      /no connection with id 00000000-0000-4000-8000-00000000dead/,
    );
  });

  it("enqueues the first sync of a new active connection in the same transaction as its insert", async () => {
    const id = await newConnection(t.db, "active");
    const [job] = await jobsFor(t.db, id);
    expect(job?.payload).toMatchObject({ targetId: id, trigger: "created" });
  });
});

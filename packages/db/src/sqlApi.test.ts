import { randomBytes } from "node:crypto";
import { sql } from "kysely";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "./client.ts";
import { createTestDatabase, insertTestConnection, type TestDatabase } from "./testing.ts";

// A host application's login role that owns nothing of synchub's and holds only synchub_caller.
// Roles are cluster-wide, so the name is unique per run and the role is dropped afterwards.
let t: TestDatabase;
let caller: pg.Client;
const role = `synchub_test_app_${randomBytes(4).toString("hex")}`;
const password = randomBytes(12).toString("hex");

beforeAll(async () => {
  t = await createTestDatabase();
  await sql.raw(`create role ${role} login password '${password}' in role synchub_caller`).execute(t.db);
  const url = new URL(t.url);
  url.username = role;
  url.password = password;
  caller = new pg.Client({ connectionString: url.toString() });
  await caller.connect();
});

afterAll(async () => {
  await caller?.end();
  // Its grants on app.accounts go with the database; the role itself is dropped from another one.
  await t.drop();
  const url = new URL(t.url);
  url.pathname = "/postgres";
  const cleanup = new pg.Client({ connectionString: url.toString() });
  await cleanup.connect();
  try {
    await cleanup.query(`drop role if exists ${role}`);
  } finally {
    await cleanup.end();
  }
});

function newConnection(db: Database) {
  return insertTestConnection(db, { status: "paused" });
}

async function jobs(db: Database, task: string) {
  const { rows } = await sql<{ id: string; payload: Record<string, unknown> }>`
    select j.id::text, j.payload
    from graphile_worker._private_jobs j join graphile_worker._private_tasks t on t.id = j.task_id
    where t.identifier = ${task}
    order by j.id`.execute(db);
  return rows;
}

async function manualOccurrences(db: Database, scheduleName: string) {
  const { rows } = await sql<{ job_id: string | null }>`
    select o.job_id
    from synchub.schedule_occurrences o join synchub.schedules s on s.id = o.schedule_id
    where s.name = ${scheduleName} and o.source = 'manual'`.execute(db);
  return rows;
}

describe("SQL API for a role holding synchub_caller", () => {
  it("requests a sync with synchub.request_sync and the job appears", async () => {
    const id = await newConnection(t.db);
    const { rows } = await caller.query<{ job_id: string }>(
      "select synchub.request_sync($1::uuid) as job_id",
      [id],
    );
    const enqueued = (await jobs(t.db, "sync.target")).filter((job) => job.payload.targetId === id);
    expect(enqueued).toHaveLength(1);
    expect(enqueued[0]?.id).toBe(rows[0]?.job_id);
    expect(enqueued[0]?.payload).toMatchObject({ targetId: id, trigger: "sql" });
  });

  it("refuses a trigger the sync task does not know, naming it, and keeps the pending sync", async () => {
    const id = await newConnection(t.db);
    await caller.query("select synchub.request_sync($1::uuid, 'manual')", [id]);
    const before = (await jobs(t.db, "sync.target")).filter((job) => job.payload.targetId === id);
    for (const trigger of ["anything", "", "MANUAL", null]) {
      await expect(
        caller.query("select synchub.request_sync($1::uuid, $2)", [id, trigger]),
        String(trigger),
      ).rejects.toMatchObject({
        code: "22023",
        message: expect.stringMatching(
          /trigger must be one of schedule, manual, sql, created \(got (null|'.*')\)/,
        ),
      });
    }
    const after = (await jobs(t.db, "sync.target")).filter((job) => job.payload.targetId === id);
    expect(after).toEqual(before);
    expect(after[0]?.payload).toMatchObject({ trigger: "manual" });
  });

  it("runs a schedule by name with synchub.run_schedule: one manual ledger row and its job", async () => {
    const { rows } = await caller.query<{ job_id: string }>(
      "select synchub.run_schedule('credits.expire') as job_id",
    );
    const jobId = rows[0]?.job_id;
    expect(jobId).toBeTruthy();
    expect((await jobs(t.db, "credits.expire")).map((job) => job.id)).toEqual([jobId]);
    expect(await manualOccurrences(t.db, "credits.expire")).toEqual([{ job_id: jobId }]);
  });

  it("cannot read synchub's tables", async () => {
    await expect(caller.query("select * from synchub.connections")).rejects.toThrow(
      /permission denied for table connections/,
    );
  });

  it("enqueues nothing when the caller's transaction rolls back", async () => {
    const id = await newConnection(t.db);
    await caller.query("begin");
    await caller.query("select synchub.request_sync($1::uuid)", [id]);
    await caller.query("select synchub.run_schedule('credits.grant')");
    await caller.query("rollback");
    const syncs = (await jobs(t.db, "sync.target")).filter((job) => job.payload.targetId === id);
    expect(syncs).toEqual([]);
    expect(await jobs(t.db, "credits.grant")).toEqual([]);
    expect(await manualOccurrences(t.db, "credits.grant")).toEqual([]);
  });

  it("names the unknown schedule and enqueues nothing", async () => {
    await expect(caller.query("select synchub.run_schedule('no.such.schedule')")).rejects.toThrow(
      /no schedule named 'no\.such\.schedule'/,
    );
  });

  it("enqueues a sync from a host table's trigger when a row names a connection", async () => {
    const id = await newConnection(t.db);
    await sql
      .raw(`
        create schema app;
        create table app.accounts (id serial primary key, plan text, synchub_connection_id uuid);
        create trigger accounts_sync after insert or update of synchub_connection_id, plan on app.accounts
          for each row execute function synchub.example_enqueue_sync_on_change('synchub_connection_id');
        grant usage on schema app to ${role};
        grant insert, update, select on app.accounts to ${role};
        grant usage on sequence app.accounts_id_seq to ${role};`)
      .execute(t.db);
    await caller.query("insert into app.accounts (plan, synchub_connection_id) values ('free', null)");
    expect((await jobs(t.db, "sync.target")).filter((job) => job.payload.targetId === id)).toEqual([]);
    await caller.query("update app.accounts set synchub_connection_id = $1::uuid", [id]);
    const syncs = (await jobs(t.db, "sync.target")).filter((job) => job.payload.targetId === id);
    expect(syncs).toHaveLength(1);
    expect(syncs[0]?.payload).toMatchObject({ targetId: id, trigger: "sql" });
  });
});

describe("SQL API for a role without synchub_caller", () => {
  it("may not call synchub.request_sync or synchub.run_schedule", async () => {
    const { rows } = await sql<{ request_sync: boolean; run_schedule: boolean }>`
      select has_function_privilege('public', 'synchub.request_sync(uuid, text)', 'execute') as request_sync,
             has_function_privilege('public', 'synchub.run_schedule(text)', 'execute') as run_schedule`.execute(
      t.db,
    );
    expect(rows[0]).toEqual({ request_sync: false, run_schedule: false });
  });
});

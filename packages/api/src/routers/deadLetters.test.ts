import { randomBytes } from "node:crypto";
import { fileDeadLetter } from "@synchub/db";
import { createTestDatabase, insertTestConnection, type TestDatabase } from "@synchub/db/testing";
import { createSecretBox, errorFingerprint } from "@synchub/domain";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiContext } from "../context.ts";
import { appRouter } from "../root.ts";
import { callerFor } from "../testing.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

// One server key for every call, as in a server: a cursor is sealed and opened with it.
const secrets = createSecretBox(randomBytes(32).toString("base64"));

function callerAs(role: "viewer" | "operator") {
  const ctx: ApiContext = {
    db: t.db,
    secrets,
    user: { id: "00000000-0000-4000-8000-000000000000", username: `${role}-user`, role },
    session: { token: null, set() {}, clear() {} },
  };
  return appRouter.createCaller(ctx);
}

async function deadLetter(message: string, connectionId = crypto.randomUUID()) {
  return fileDeadLetter(t.db, {
    task: "sync.target",
    payload: { targetId: connectionId, trigger: "schedule" },
    jobKey: `sync:${connectionId}`,
    queueName: `sync:${connectionId}`,
    targetId: null,
    errorClass: "permanent",
    error: message,
    fingerprint: errorFingerprint("sync.target", "permanent", message),
    attempts: 1,
    nextAutoRetryAt: null,
  });
}

async function jobPayloads() {
  const { rows } = await sql<{ payload: { deadLetterId?: number; targetId: string } }>`
    select payload from graphile_worker._private_jobs`.execute(t.db);
  return rows.map((row) => row.payload);
}

describe("dead letters API", () => {
  it("groups open dead letters by cause and replays a whole group with one call, audited", async () => {
    const a = await deadLetter("OpenAI rejected the admin key (401 invalid_api_key): sk-adm***abc");
    const b = await deadLetter("OpenAI rejected the admin key (401 invalid_api_key): sk-adm***xyz");
    await deadLetter("OpenAI answered 400: start_time is required");

    const groups = (await callerAs("viewer").deadLetters.groups()).items;
    expect(groups.map((group) => Number(group.count))).toEqual([2, 1]);
    expect(await callerAs("viewer").deadLetters.summary()).toEqual({ letters: 3, groups: 2 });

    const { replayed } = await callerAs("operator").deadLetters.replay({
      fingerprint: groups[0]!.fingerprint,
    });
    expect(replayed.sort()).toEqual([a, b].sort());
    const payloads = await jobPayloads();
    expect(payloads.map((p) => String(p.deadLetterId)).sort()).toEqual([a, b].sort());
    const rows = await callerAs("viewer").deadLetters.list({ status: "replaying" });
    expect(rows.items).toHaveLength(2);
    const audit = await t.db
      .selectFrom("audit_log")
      .selectAll()
      .where("action", "=", "dead_letter.replay")
      .execute();
    expect(audit.map((row) => [row.actor, row.object_id]).sort()).toEqual(
      [
        ["operator-user", a],
        ["operator-user", b],
      ].sort(),
    );
  });

  it("discards with a reason, and a second discard of the same letter is NOT_FOUND", async () => {
    const id = await deadLetter("Volcano Engine signature mismatch");
    const { discarded } = await callerAs("operator").deadLetters.discard({
      ids: [id],
      reason: "Account closed",
    });
    expect(discarded).toEqual([id]);
    const row = await callerAs("viewer").deadLetters.byId({ id });
    expect(row).toMatchObject({
      status: "discarded",
      discard_reason: "Account closed",
      closed_by: "operator-user",
    });
    await expect(
      callerAs("operator").deadLetters.discard({ ids: [id], reason: "Account closed" }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("refuses a viewer's replay and changes nothing", async () => {
    const id = await deadLetter("Anthropic answered 403");
    await expect(callerAs("viewer").deadLetters.replay({ ids: [id] })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    expect((await callerAs("viewer").deadLetters.byId({ id })).status).toBe("open");
  });

  it("rejects a malformed fingerprint or a discard without a reason as validation errors", async () => {
    await expect(callerAs("operator").deadLetters.replay({ fingerprint: "nope" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
    const id = await deadLetter("whatever");
    await expect(callerAs("operator").deadLetters.discard({ ids: [id], reason: "" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
    });
  });

  it("pages a whole group's letters to the last, each naming its connection, and counts the open ones", async () => {
    const connectionId = await insertTestConnection(t.db, { status: "paused" });
    const message = "Volcengine answered 500: the big outage";
    const ids = await Promise.all(
      Array.from({ length: 7 }, () =>
        fileDeadLetter(t.db, {
          task: "sync.target",
          payload: { targetId: connectionId },
          jobKey: null,
          queueName: null,
          targetId: connectionId,
          errorClass: "transient",
          error: message,
          fingerprint: errorFingerprint("sync.target", "transient", message),
          attempts: 5,
          nextAutoRetryAt: null,
        }),
      ),
    );
    const before = await callerAs("viewer").deadLetters.summary();
    const fingerprint = errorFingerprint("sync.target", "transient", message);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<ReturnType<typeof callerAs>["deadLetters"]["list"]>> = await callerAs(
        "viewer",
      ).deadLetters.list({ status: "open", fingerprint, cursor, limit: 3 });
      for (const letter of page.items) {
        expect(letter).toMatchObject({ connection_id: connectionId, tenant_name: "T", connection_name: "c" });
        seen.push(letter.id);
      }
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual([...ids].sort());

    await callerAs("operator").deadLetters.discard({ fingerprint, reason: "Outage is over" });
    const after = await callerAs("viewer").deadLetters.summary();
    expect(after).toEqual({ letters: before.letters - 7, groups: before.groups - 1 });
  });
});

describe("a dead letter's cause and target", () => {
  it("says whether the failure is permanent and names the target to fix or pause", async () => {
    const target = await insertTestConnection(t.db, { provider: "openai" });
    await t.db.updateTable("connections").set({ name: "Prod key" }).where("id", "=", target).execute();
    const permanent = await fileDeadLetter(t.db, {
      task: "sync.target",
      payload: { targetId: target },
      jobKey: null,
      queueName: null,
      targetId: target,
      errorClass: "permanent",
      error: "OpenAI rejected the admin key (401)",
      fingerprint: "aaaaaaaaaaaaaaaa",
      attempts: 1,
      nextAutoRetryAt: null,
    });
    const transient = await fileDeadLetter(t.db, {
      task: "credits.grant",
      payload: {},
      jobKey: null,
      queueName: null,
      targetId: null,
      errorClass: "transient",
      error: "database unavailable",
      fingerprint: "bbbbbbbbbbbbbbbb",
      attempts: 5,
      nextAutoRetryAt: null,
    });
    const viewer = callerFor(t.db, secrets);
    expect(await viewer.deadLetters.byId({ id: permanent })).toMatchObject({
      permanent: true,
      target_id: target,
      target_name: "Prod key",
      target_kind: "llm.costs",
      target_status: "active",
    });
    expect(await viewer.deadLetters.byId({ id: transient })).toMatchObject({
      permanent: false,
      target_id: null,
      target_name: null,
    });
    const listed = (await viewer.deadLetters.list({ status: "open" })).items;
    expect(listed.find((letter) => letter.id === permanent)).toMatchObject({
      permanent: true,
      target_name: "Prod key",
    });
    // The letter's target is paused with the connection's own procedure; the letter then says so.
    await callerFor(t.db, secrets, "operator").connections.pause({ id: target, reason: "Fix the key first" });
    expect(await viewer.deadLetters.byId({ id: permanent })).toMatchObject({ target_status: "paused" });
  });

  it("refuses a discard without a reason, saying what to write", async () => {
    const id = await deadLetter("Anthropic answered 404");
    const refused = await callerFor(t.db, secrets, "operator")
      .deadLetters.discard({ ids: [id], reason: "  " })
      .catch((error: unknown) => error);
    const cause = (refused as { cause: { issues: { path: PropertyKey[]; message: string }[] } }).cause;
    expect(cause.issues.map((issue) => [issue.path.join("."), issue.message])).toEqual([
      ["reason", "Say why these are discarded"],
    ]);
    expect(await callerFor(t.db, secrets).deadLetters.byId({ id })).toMatchObject({ status: "open" });
  });
});

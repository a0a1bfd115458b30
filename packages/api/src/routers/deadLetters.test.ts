import { randomBytes } from "node:crypto";
import { fileDeadLetter } from "@synchub/db";
import { createTestDatabase, type TestDatabase } from "@synchub/db/testing";
import { createSecretBox, errorFingerprint } from "@synchub/domain";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiContext } from "../context.ts";
import { appRouter } from "../root.ts";

let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

function callerAs(role: "viewer" | "operator") {
  const ctx: ApiContext = {
    db: t.db,
    secrets: createSecretBox(randomBytes(32).toString("base64")),
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

    const groups = await callerAs("viewer").deadLetters.groups();
    expect(groups.map((group) => Number(group.count))).toEqual([2, 1]);

    const { replayed } = await callerAs("operator").deadLetters.replay({
      fingerprint: groups[0]!.fingerprint,
    });
    expect(replayed.sort()).toEqual([a, b].sort());
    const payloads = await jobPayloads();
    expect(payloads.map((p) => String(p.deadLetterId)).sort()).toEqual([a, b].sort());
    const rows = await callerAs("viewer").deadLetters.list({ status: "replaying" });
    expect(rows).toHaveLength(2);
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
});

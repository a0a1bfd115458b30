import { appRouter } from "@synchub/api";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  insertApiToken,
  mutate,
  query,
  startTestServer,
  type TestServer,
  type TrpcErrorBody,
} from "../testing.ts";

let s: TestServer;
let adminToken: string;
beforeAll(async () => {
  s = await startTestServer();
  adminToken = await insertApiToken(s.t, "admin");
});
afterAll(() => s.close());

/** Every procedure of the router, found from the router itself so a new one is covered too. */
const procedures = Object.entries(
  appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>,
).map(([path, procedure]) => ({ path, type: procedure._def.type }));

const poison = {
  nul: "before\u0000after",
  loneHigh: "emoji half \ud83d",
  loneLow: "\ude00 low half first",
  huge: "x".repeat(20_000),
};

// Field names our procedures take, each given the poison, plus a bare string and a nested one.
const fields = [
  "id",
  "ids",
  "name",
  "username",
  "password",
  "reason",
  "userRef",
  "search",
  "cron",
  "timezone",
  "tenantId",
  "provider",
  "fingerprint",
  "task",
  "objectType",
  "objectId",
  "actor",
  "action",
  "role",
  "status",
  "baseUrl",
];
function inputsWith(text: string): unknown[] {
  return [
    text,
    Object.fromEntries(fields.map((field) => [field, text])),
    { ids: [text], credentials: { adminKey: text }, items: [{ metric: text, amount: 1 }] },
    { [text]: "a key that cannot be stored" },
  ];
}

async function worldState() {
  const { rows } = await sql<{ audit: number; jobs: number; users: number; connections: number }>`
    select (select count(*) from synchub.audit_log)::int as audit,
      (select count(*) from graphile_worker.jobs)::int as jobs,
      (select count(*) from synchub.users)::int as users,
      (select count(*) from synchub.connections)::int as connections`.execute(s.t.db);
  return rows[0];
}

describe("text Postgres cannot store", () => {
  it(`is a 400 naming the field on all ${procedures.length} procedures, never a 500, and changes nothing`, async () => {
    expect(procedures.length).toBeGreaterThan(30);
    const before = await worldState();
    const failures: string[] = [];
    for (const { path, type } of procedures) {
      for (const [kind, text] of Object.entries(poison)) {
        for (const input of inputsWith(text)) {
          const headers = { authorization: `Bearer ${adminToken}` };
          const response =
            type === "mutation"
              ? await mutate(s.server.url, path, input, headers)
              : await query(s.server.url, path, input, headers);
          // 20,000 characters in every field overflow a GET's URL: Node refuses those headers (431).
          if (response.status === 431 && kind === "huge" && type === "query") continue;
          if (response.status !== 400) failures.push(`${path} (${kind}): ${response.status}`);
          const body = (await response.json()) as TrpcErrorBody;
          if (!body.error?.json.data.issues?.length) failures.push(`${path} (${kind}): no field named`);
        }
      }
    }
    expect(failures).toEqual([]);
    expect(await worldState()).toEqual(before);
  });

  it("names the field for the unauthenticated login: username", async () => {
    const response = await mutate(s.server.url, "auth.login", {
      username: "adm\u0000in",
      password: "whatever",
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as TrpcErrorBody;
    expect(body.error.json.data.issues).toEqual([
      { path: "username", message: "Text cannot contain a NUL character (\\u0000)" },
    ]);
  });

  it("still accepts an emoji written as a proper surrogate pair", async () => {
    const response = await mutate(s.server.url, "auth.login", { username: "admin😀", password: "whatever" });
    expect(response.status).toBe(401);
  });
});

import { randomBytes } from "node:crypto";
import { createTestDatabase, type TestDatabase } from "@synchub/db/testing";
import { createSecretBox, type SecretBox } from "@synchub/domain";
import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiContext } from "./context.ts";
import { formatApiError } from "./errors.ts";
import type { Page } from "./paging.ts";
import { appRouter } from "./root.ts";

let t: TestDatabase;
const secrets = createSecretBox(randomBytes(32).toString("base64"));

// Every list's rows share their sort value in bulk (the same second, the same names), and a few
// differ by microseconds inside one millisecond, which a JavaScript Date cannot tell apart.
const SAME_TIME = "2025-03-01T12:00:00.000000Z";
const NEAR_TIMES = [
  "2025-03-01T12:00:00.000100Z",
  "2025-03-01T12:00:00.000200Z",
  "2025-03-01T12:00:00.000900Z",
];

beforeAll(async () => {
  t = await createTestDatabase();
  const tenants = await t.db
    .insertInto("tenants")
    .values([
      { name: "Same", tier: "pro" },
      { name: "Same", tier: "free" },
      { name: "Other", tier: "enterprise" },
    ])
    .returning("id")
    .execute();
  await t.db
    .insertInto("connections")
    .values(
      tenants.flatMap((tenant) =>
        ["main", "main", "backup", "main"].map((name) => ({
          tenant_id: tenant.id,
          provider: "openai",
          name,
          credentials_encrypted: "v2.x.y.z",
        })),
      ),
    )
    .execute();
  const times = [...Array<string>(20).fill(SAME_TIME), ...NEAR_TIMES];
  await t.db
    .insertInto("runs")
    .values(times.map((at) => ({ task: "credits.grant", trigger: "schedule" as const, started_at: at })))
    .execute();
  await t.db
    .insertInto("dead_letters")
    .values(
      times.map((at, i) => ({
        task: "credits.grant",
        payload: "{}",
        error_class: "permanent",
        error: `failure ${i % 4}`,
        fingerprint: `${i % 4}`.repeat(16),
        attempts: 1,
        last_failed_at: at,
      })),
    )
    .execute();
  await t.db
    .insertInto("audit_log")
    .values(
      times.map((at) => ({ at, actor: "root", action: "quota.reset", object_type: "quota", object_id: "u" })),
    )
    .execute();
  await t.db
    .insertInto("rate_limits")
    .values(
      Array.from({ length: 12 }, (_, i) => ({
        key: i < 9 ? `credential:${crypto.randomUUID()}` : `provider:p${i}`,
        min_interval_ms: 0,
        hourly_cap: 10,
      })),
    )
    .execute();
});
afterAll(() => t.drop());

function caller(box: SecretBox = secrets) {
  const ctx: ApiContext = {
    db: t.db,
    secrets: box,
    user: { id: "00000000-0000-4000-8000-000000000000", username: "viewer", role: "viewer" },
    session: { token: null, set() {}, clear() {} },
  };
  return appRouter.createCaller(ctx);
}

/** Every page of a list, `limit` rows at a time, following nextCursor to the end. */
async function allPages<T>(
  read: (page: { cursor?: string; limit: number }) => Promise<Page<T>>,
  limit: number,
): Promise<{ rows: T[]; pages: number }> {
  const rows: T[] = [];
  let cursor: string | undefined;
  for (let pages = 1; pages <= 100; pages++) {
    const page = await read({ ...(cursor ? { cursor } : {}), limit });
    expect(page.items.length).toBeLessThanOrEqual(limit);
    rows.push(...page.items);
    if (page.nextCursor === null) return { rows, pages };
    cursor = page.nextCursor;
  }
  throw new Error("more than 100 pages");
}

/** What an HTTP caller would get for a failed call: the status and the formatted message and fields. */
async function answerTo(call: Promise<unknown>) {
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  const trpcError = error as TRPCError;
  const httpStatus = getHTTPStatusCodeFromError(trpcError);
  const formatted = formatApiError({
    shape: { message: trpcError.message, code: -32600, data: { code: trpcError.code, httpStatus } },
    error: trpcError,
    ctx: undefined,
  });
  return {
    httpStatus,
    message: formatted.message,
    fields: formatted.data.issues?.map((issue) => issue.path) ?? [],
  };
}

describe("keyset paging of the admin's lists", () => {
  it("reaches the last run, newest first, with no run twice or missing when runs share a start time", async () => {
    const expected = await t.db
      .selectFrom("runs")
      .select("id")
      .orderBy("started_at", "desc")
      .orderBy("id", "desc")
      .execute();
    expect(expected).toHaveLength(23);
    const { rows, pages } = await allPages((page) => caller().runs.list({ scope: "all", ...page }), 4);
    expect(rows.map((run) => run.id)).toEqual(expected.map((run) => run.id));
    expect(pages).toBe(6);
  });

  it("reaches the last connection in tenant then connection name order, tenants and connections sharing names", async () => {
    const expected = await t.db
      .selectFrom("connections")
      .innerJoin("tenants", "tenants.id", "connections.tenant_id")
      .select(["connections.id", "tenants.name as tenant_name", "connections.name"])
      .orderBy("tenants.name")
      .orderBy("tenants.id")
      .orderBy("connections.name")
      .orderBy("connections.id")
      .execute();
    expect(expected).toHaveLength(12);
    const { rows } = await allPages((page) => caller().connections.list(page), 5);
    expect(rows.map((row) => row.id)).toEqual(expected.map((row) => row.id));
    expect(rows.map((row) => row.tenant_name)).toEqual([...Array(4).fill("Other"), ...Array(8).fill("Same")]);
  });

  it("reaches the last dead letter, the last of a group and the last group, letters sharing a failure time", async () => {
    const { rows: letters } = await allPages((page) => caller().deadLetters.list(page), 3);
    expect(letters).toHaveLength(23);
    expect(new Set(letters.map((letter) => letter.id)).size).toBe(23);
    const times = letters.map((letter) => letter.last_failed_at.getTime());
    expect(times).toEqual([...times].sort((a, b) => b - a));

    const group = "1".repeat(16);
    const { rows: grouped } = await allPages(
      (page) => caller().deadLetters.list({ status: "open", fingerprint: group, ...page }),
      2,
    );
    const inGroup = await t.db
      .selectFrom("dead_letters")
      .select("id")
      .where("fingerprint", "=", group)
      .execute();
    expect(grouped.map((letter) => letter.id).sort()).toEqual(inGroup.map((letter) => letter.id).sort());

    const { rows: groups } = await allPages((page) => caller().deadLetters.groups(page), 1);
    // 23 letters over 4 fingerprints: three groups of 6 and one of 5, ties in fingerprint order.
    expect(groups.map((g) => [g.fingerprint[0], Number(g.count)])).toEqual([
      ["0", 6],
      ["1", 6],
      ["2", 6],
      ["3", 5],
    ]);
  });

  it("reaches the last audit entry and the last tenant", async () => {
    const { rows: entries } = await allPages((page) => caller().audit.list(page), 7);
    const ids = await t.db
      .selectFrom("audit_log")
      .select("id")
      .orderBy("at", "desc")
      .orderBy("id", "desc")
      .execute();
    expect(entries.map((entry) => entry.id)).toEqual(ids.map((row) => row.id));

    const { rows: tenants } = await allPages((page) => caller().tenants.list(page), 1);
    expect(tenants.map((tenant) => tenant.name)).toEqual(["Other", "Same", "Same"]);
    expect(new Set(tenants.map((tenant) => tenant.id)).size).toBe(3);
  });

  it("reaches the last pacing key, the pools' keys before the credentials'", async () => {
    const { rows } = await allPages((page) => caller().rateLimits.list(page), 4);
    const keys = rows.map((row) => row.key);
    expect(keys).toHaveLength(12);
    expect(new Set(keys).size).toBe(12);
    expect(keys.slice(0, 3)).toEqual(["provider:p10", "provider:p11", "provider:p9"]);
    expect(keys.slice(3).every((key) => key.startsWith("credential:"))).toBe(true);
    expect(keys.slice(3)).toEqual([...keys.slice(3)].sort());
  });

  it("pages past rows whose sort values are long names", async () => {
    const long = "L".repeat(1_500);
    await t.db
      .insertInto("tenants")
      .values([
        { name: `${long} Lone`, tier: "pro" },
        { name: `${long} Ltwo`, tier: "pro" },
      ])
      .execute();
    const { rows } = await allPages((page) => caller().tenants.list({ search: "LLLL", ...page }), 1);
    expect(rows.map((tenant) => tenant.name.slice(-3))).toEqual(["one", "two"]);
  });

  it("shows 50 rows when no page size is named", async () => {
    await t.db
      .insertInto("audit_log")
      .values(Array.from({ length: 60 }, () => ({ actor: "bulk", action: "x.y", object_type: "x" })))
      .execute();
    const first = await caller().audit.list({ actor: "bulk" });
    expect(first.items).toHaveLength(50);
    const second = await caller().audit.list({ actor: "bulk", cursor: first.nextCursor });
    expect(second).toMatchObject({ nextCursor: null });
    expect(second.items).toHaveLength(10);
  });
});

describe("bad paging input", () => {
  it("answers a cursor from another list with a 400 naming cursor", async () => {
    const runsCursor = (await caller().runs.list({ scope: "all", limit: 1 })).nextCursor!;
    const auditCursor = (await caller().audit.list({ limit: 1 })).nextCursor!;
    for (const call of [
      caller().audit.list({ cursor: runsCursor }),
      caller().deadLetters.list({ cursor: auditCursor }),
      caller().connections.list({ cursor: runsCursor }),
    ]) {
      const answer = await answerTo(call);
      expect(answer.httpStatus).toBe(400);
      expect(answer.fields).toEqual(["cursor"]);
      expect(answer.message).toMatch(/^cursor: This is not a cursor of this list/);
    }
  });

  it("answers an altered cursor, a made-up one, or one sealed with another server key with a 400 naming cursor", async () => {
    const cursor = (await caller().runs.list({ scope: "all", limit: 2 })).nextCursor!;
    const parts = cursor.split(".");
    const ciphertext = parts[3]!;
    const flipped = (ciphertext[0] === "A" ? "B" : "A") + ciphertext.slice(1);
    const altered = [...parts.slice(0, 3), flipped].join(".");
    const otherServer = createSecretBox(randomBytes(32).toString("base64"));
    for (const call of [
      caller().runs.list({ cursor: altered }),
      caller().runs.list({ cursor: '["2025-03-01T12:00:00.000000Z","1"]' }),
      caller(otherServer).runs.list({ cursor }),
    ]) {
      const answer = await answerTo(call);
      expect(answer.httpStatus).toBe(400);
      expect(answer.fields).toEqual(["cursor"]);
    }
    // An empty cursor is the first page, not an error.
    expect((await caller().runs.list({ scope: "all", cursor: "", limit: 2 })).nextCursor).toEqual(
      expect.any(String),
    );
  });

  it("answers a page size of 0, 10,000 or 2.5 with a 400 naming limit", async () => {
    for (const limit of [0, 10_000, 2.5]) {
      for (const call of [
        caller().runs.list({ limit }),
        caller().connections.list({ limit }),
        caller().deadLetters.groups({ limit }),
        caller().rateLimits.list({ limit }),
      ]) {
        const answer = await answerTo(call);
        expect(answer.httpStatus).toBe(400);
        expect(answer.fields).toEqual(["limit"]);
        expect(answer.message).toMatch(/^limit: /);
      }
    }
  });

  it("reads the next page with the filters it is sent with", async () => {
    const first = await caller().connections.list({ limit: 2 });
    const { rows: all } = await allPages((page) => caller().connections.list(page), 50);
    const [before, after] = [all[0]!, all.at(-1)!];
    await sql`update synchub.sync_targets set status = 'paused' where id in (${before.id}, ${after.id})`.execute(
      t.db,
    );
    // The one paused before where the first page stopped stays behind it.
    const next = await caller().connections.list({ status: "paused", cursor: first.nextCursor });
    expect(next.items.map((connection) => connection.id)).toEqual([after.id]);
  });
});

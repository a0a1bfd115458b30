import { randomBytes } from "node:crypto";
import { createTestDatabase, insertTestConnection, type TestDatabase } from "@synchub/db/testing";
import { createSecretBox } from "@synchub/domain";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Page } from "../paging.ts";
import { callerFor } from "../testing.ts";

let t: TestDatabase;
let first: string;
let second: string;

beforeAll(async () => {
  t = await createTestDatabase();
  first = await insertTestConnection(t.db, { status: "paused" });
  second = await insertTestConnection(t.db, { status: "paused" });
  const at = "2025-05-05T05:05:05Z";
  const sync = (targetId: string, status: "succeeded" | "failed") =>
    ({
      task: "sync.target",
      kind: "llm.costs",
      target_id: targetId,
      trigger: "schedule",
      status,
      started_at: at,
    }) as const;
  await t.db
    .insertInto("runs")
    .values([
      ...Array.from({ length: 5 }, () => sync(first, "succeeded")),
      ...Array.from({ length: 3 }, () => sync(first, "failed")),
      ...Array.from({ length: 4 }, () => sync(second, "failed")),
      ...Array.from({ length: 3 }, () => ({
        task: "credits.grant",
        trigger: "schedule" as const,
        started_at: at,
      })),
      ...Array.from({ length: 6 }, (_, i) => ({
        task: i % 2 ? "sync.tick" : "schedules.tick",
        trigger: "schedule" as const,
        status: "succeeded" as const,
        started_at: at,
      })),
    ])
    .execute();
});
afterAll(() => t.drop());

const secrets = createSecretBox(randomBytes(32).toString("base64"));
const caller = () => callerFor(t.db, secrets);

type RunFilter = Omit<
  NonNullable<Parameters<ReturnType<typeof caller>["runs"]["list"]>[0]>,
  "cursor" | "limit"
>;
type Run = Awaited<ReturnType<ReturnType<typeof caller>["runs"]["list"]>>["items"][number];

/** Every run a filter selects, two a page; none twice. */
async function everyRun(filter: RunFilter): Promise<Run[]> {
  const runs: Run[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<Run> = await caller().runs.list({ ...filter, cursor, limit: 2 });
    runs.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  expect(new Set(runs.map((run) => run.id)).size).toBe(runs.length);
  return runs;
}

describe("runs.list", () => {
  it("pages each scope to its last run: syncs and jobs by default, ticks apart", async () => {
    const work = await everyRun({});
    expect(work).toHaveLength(15);
    expect(work.some((run) => run.task.endsWith(".tick"))).toBe(false);
    expect((await everyRun({ scope: "syncs" })).every((run) => run.task === "sync.target")).toBe(true);
    expect(await everyRun({ scope: "syncs" })).toHaveLength(12);
    expect((await everyRun({ scope: "jobs" })).map((run) => run.task)).toEqual(
      Array(3).fill("credits.grant"),
    );
    expect(await everyRun({ scope: "ticks" })).toHaveLength(6);
    expect(await everyRun({ scope: "all" })).toHaveLength(21);
  });

  it("pages one status's runs, and one connection's, to the last", async () => {
    const failed = await everyRun({ status: "failed" });
    expect(failed).toHaveLength(7);
    expect(failed.every((run) => run.status === "failed")).toBe(true);

    const firstOnes = await everyRun({ connectionId: first });
    expect(firstOnes).toHaveLength(8);
    expect(firstOnes.every((run) => run.connection_id === first && run.connection_name === "c")).toBe(true);

    const both = await everyRun({ connectionId: second, status: "failed" });
    expect(both.map((run) => run.connection_id)).toEqual(Array(4).fill(second));
  });
});

import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { pruneHistory, rollUpRuns } from "@synchub/db";
import { createTestDatabase, insertTestConnection, type TestDatabase } from "@synchub/db/testing";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startServer } from "../server.ts";

let t: TestDatabase;
let server: RunningServer;

beforeAll(async () => {
  t = await createTestDatabase();
  server = await startServer({
    connectionString: t.url,
    encryptionKey: randomBytes(32).toString("base64"),
    admin: { username: "admin", password: "correct horse battery" },
    port: 0,
  });
});
afterAll(async () => {
  await server.close();
  await t.drop();
});

const scrape = async () => (await fetch(`${server.url}/metrics`)).text();

/** Every sample of the exposition, by its series (name and labels). */
function samples(body: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of body.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const at = line.lastIndexOf(" ");
    values.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return values;
}

/** Finished sync runs of a target over the last `days` days, every 10th failed. */
async function insertSyncRuns(targetId: string, n: number, days: number) {
  await sql`
    insert into synchub.runs (task, kind, target_id, trigger, status, started_at, finished_at, duration_ms)
    select 'sync.target', 'llm.costs', ${targetId}::uuid, 'schedule',
      case when i % 10 = 0 then 'failed' else 'succeeded' end,
      at - interval '2 seconds', at, 2000
    from generate_series(1, ${n}) as i
    cross join lateral (select now() - interval '10 seconds' - (${days} * interval '1 day') * i / ${n} as at) a`.execute(
    t.db,
  );
}

describe("/metrics", () => {
  it("passes promtool's own lint on a live scrape", async () => {
    const target = await insertTestConnection(t.db, { provider: "openai" });
    await insertSyncRuns(target, 50, 2);
    await t.db
      .insertInto("dead_letters")
      .values({
        task: "sync.target",
        payload: "{}",
        target_id: target,
        error_class: "permanent",
        error: "401",
        fingerprint: "0123456789abcdef",
        attempts: 1,
      })
      .execute();
    const body = await scrape();
    // promtool is installed by .ci/run (Debian's prometheus package); it reads the exposition on stdin.
    const lint = spawnSync("promtool", ["check", "metrics"], { input: body, encoding: "utf8" });
    expect(lint.error).toBeUndefined();
    expect(`${lint.stdout}${lint.stderr}`.trim()).toBe("");
    expect(lint.status).toBe(0);
    expect(body).toContain('synchub_dead_letters_open{task="sync.target",error_class="permanent"} 1');
    expect(body).toMatch(
      /synchub_dead_letters_oldest_open_age_seconds\{task="sync.target",error_class="permanent"\} \d/,
    );
    expect(body).toContain('synchub_sync_runs_total{pool="openai",kind="llm.costs",status="failed"} 5');
    expect(body).toContain("synchub_workers_alive 0");
    expect(body).toContain('synchub_rate_limit_deferrals_total{scope="pool",pool="openai"} 0');
    expect(body).toContain('synchub_rate_limit_deferrals_total{scope="credential"} 0');
    expect(body).toContain("synchub_worker_heartbeat_age_seconds +Inf");
  });

  it("has the same series whatever the number of targets: no per-target labels", async () => {
    const before = [...samples(await scrape()).keys()];
    for (let i = 0; i < 20; i++) await insertTestConnection(t.db, { provider: "openai" });
    const after = [...samples(await scrape()).keys()];
    expect(after).toEqual(before);
  });

  it("never lets a counter go down when history is rolled up and pruned", async () => {
    const target = await insertTestConnection(t.db, { provider: "anthropic" });
    await insertSyncRuns(target, 400, 60);
    const before = samples(await scrape());
    await rollUpRuns(t.db);
    const middle = samples(await scrape());
    const pruned = await pruneHistory(t.db, { runDays: 30, closedDeadLetterDays: 30, auditDays: 365 });
    expect(pruned.runs).toBeGreaterThan(150);
    const after = samples(await scrape());
    const counters = [...before.keys()].filter(
      (series) =>
        series.startsWith("synchub_sync_runs_total") ||
        series.startsWith("synchub_job_runs_total") ||
        series.startsWith("synchub_sync_run_duration_seconds_"),
    );
    expect(counters.length).toBeGreaterThan(10);
    for (const series of counters) {
      expect(middle.get(series), series).toBe(before.get(series));
      expect(after.get(series), series).toBe(before.get(series));
    }
    const succeeded = 'synchub_sync_runs_total{pool="anthropic",kind="llm.costs",status="succeeded"}';
    expect(before.get(succeeded)).toBe(360);

    // Deleting the target (and so its runs, not rolled up yet) takes nothing back either.
    await insertSyncRuns(target, 10, 0.0001);
    const withRecent = samples(await scrape());
    expect(withRecent.get(succeeded)).toBe(369);
    await t.db.deleteFrom("sync_targets").where("id", "=", target).execute();
    const afterDelete = samples(await scrape());
    for (const series of counters) expect(afterDelete.get(series), series).toBe(withRecent.get(series));
  });
});

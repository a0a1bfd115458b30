/**
 * `pnpm bench:instructions`: CPU instructions Postgres spends on one sync's bookkeeping (opening
 * it, then closing it, through synchub.sync_bookkeeping), counted by valgrind's callgrind in a
 * single-user Postgres. Instruction counts repeat exactly from run to run whatever else the
 * machine is doing, so a change to the bookkeeping SQL can be judged by a difference of a few
 * per cent, which the timed `pnpm bench overhead` cannot show on a shared machine.
 *
 * One backend opens and closes syncs one at a time, each in its own transaction, as group commit
 * does on an idle worker. Measured twice (100 and 400 syncs), so start-up cancels out, and once
 * more with the same driver calling no bookkeeping, whose cost is taken off. Needs valgrind
 * (`apt-get install -y valgrind`); takes about a minute.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { createDb, migrateToLatest } from "@synchub/db";
import { ensureDatabase } from "@synchub/dev/databases";
import { freePort } from "@synchub/dev/ports";
import { makeScratchDir, postgresBinaryDir, startEmbeddedPostgres } from "@synchub/dev/postgres";
import { sql } from "kysely";
import { insertConnections } from "./harness.ts";

const DATABASE = "synchub_instructions";
const SIZES = [100, 400] as const;

if (spawnSync("valgrind", ["--version"]).status !== 0) {
  console.error("bench:instructions needs valgrind on the PATH (Debian: apt-get install -y valgrind).");
  process.exit(2);
}

const scratch = await makeScratchDir("synchub-instructions-");
try {
  const dataDir = path.join(scratch, "data");
  await prepare(dataDir);
  const counts: Record<string, number> = {};
  for (const driver of ["bench_driver_only", "bench_sync"]) {
    for (const n of SIZES) counts[`${driver}:${n}`] = await countInstructions(scratch, dataDir, driver, n);
  }
  const [small, large] = SIZES;
  const perSync = (driver: string) =>
    (counts[`${driver}:${large}`]! - counts[`${driver}:${small}`]!) / (large - small);
  const driver = perSync("bench_driver_only");
  const bookkeeping = perSync("bench_sync") - driver;
  console.log(
    `bookkeeping per sync (open + close): ${Math.round(bookkeeping).toLocaleString("en")} instructions`,
  );
  console.log(
    `  the driver alone, taken off: ${Math.round(driver).toLocaleString("en")} instructions per sync`,
  );
  console.log(`  raw totals: ${JSON.stringify(counts)}`);
} finally {
  await rm(scratch, { recursive: true, force: true });
}

/** A migrated database with 400 no-op connections, their provider's 100 slots and the drivers. */
async function prepare(dataDir: string): Promise<void> {
  const postgres = await startEmbeddedPostgres({ dataDir, port: await freePort() });
  try {
    const url = await ensureDatabase(postgres.url, DATABASE);
    const db = createDb({ connectionString: url, maxConnections: 2 });
    try {
      await migrateToLatest(db, url);
      await db
        .updateTable("provider_settings")
        .set({ min_interval_ms: 0, hourly_cap: 1_000_000, max_concurrency: 100 })
        .where("provider", "=", "openai")
        .execute();
      await insertConnections(db, {
        count: 400,
        provider: "openai",
        baseUrl: "http://127.0.0.1:9/never-called",
        credentials: (i) => ({ adminKey: `sk-admin-bench-${i}-noop0000` }),
      });
      await sql`delete from graphile_worker._private_jobs`.execute(db);
      await sql`insert into synchub.provider_slots (provider, slot)
                select 'openai', g from generate_series(0, 99) g on conflict do nothing`.execute(db);
      await sql`create table public.bench_ids as
                select row_number() over (order by id)::int as n, id from synchub.connections`.execute(db);
      await sql`create unique index on public.bench_ids (n)`.execute(db);
      // Both drivers build the same arguments; only bench_sync hands them to the bookkeeping.
      for (const [name, open, close] of [
        ["bench_driver_only", "select 1::bigint as run_id, 0 as slot into r", "perform p_close"],
        [
          "bench_sync",
          "select run_id, slot into r from synchub.sync_bookkeeping('[]'::jsonb, p_open)",
          "perform synchub.sync_bookkeeping(p_close, '[]'::jsonb)",
        ],
      ] as const) {
        await sql
          .raw(`
          create function public.${name}(p_n integer) returns void language plpgsql as $$
          declare
            v_id uuid; r record; p_open jsonb; p_close jsonb;
          begin
            select id into v_id from public.bench_ids where n = p_n;
            p_open := jsonb_build_array(jsonb_build_object('connectionId', v_id, 'holder', 'job:' || p_n,
              'jobId', p_n::text, 'attempt', 1, 'trigger', 'schedule', 'ttlMs', 600000));
            ${open};
            p_close := jsonb_build_array(jsonb_build_object('runId', r.run_id, 'connectionId', v_id,
              'holder', 'job:' || p_n, 'provider', 'openai', 'slot', r.slot, 'startedAt', now(),
              'nextSyncAt', now() + interval '1 hour', 'deadLetterId', null));
            ${close};
          end $$`)
          .execute(db);
      }
      await sql`vacuum analyze`.execute(db);
    } finally {
      await db.destroy();
    }
  } finally {
    await postgres.stop();
  }
}

/** Instructions of a single-user Postgres running `driver(1..n)`, one statement (transaction) each. */
async function countInstructions(
  scratch: string,
  dataDir: string,
  driver: string,
  n: number,
): Promise<number> {
  const input = path.join(scratch, `${driver}-${n}.sql`);
  await writeFile(
    input,
    Array.from({ length: n }, (_, i) => `select public.${driver}(${i + 1});\n`).join(""),
  );
  const command = [
    "valgrind",
    "--tool=callgrind",
    "--callgrind-out-file=/dev/null",
    path.join(postgresBinaryDir(), "postgres"),
    "--single",
    "-D",
    dataDir,
    DATABASE,
  ]
    .map((part) => `'${part}'`)
    .join(" ");
  // Postgres refuses to run as root; the embedded cluster belongs to the postgres user.
  const shell = `${command} < '${input}' 2>&1`;
  const output =
    process.getuid?.() === 0
      ? execFileSync("su", ["postgres", "-s", "/bin/sh", "-c", shell], { encoding: "utf8" })
      : execFileSync("/bin/sh", ["-c", shell], { encoding: "utf8" });
  if (/\bERROR:/.test(output)) {
    throw new Error(`bench:instructions: ${driver} failed: ${output.match(/ERROR:.*$/m)?.[0]}`);
  }
  const collected = output.match(/Collected : (\d+)/);
  if (!collected) throw new Error(`bench:instructions: no callgrind total in:\n${output.slice(-2000)}`);
  return Number(collected[1]);
}

/**
 * What `pnpm bench scale` times on a seeded database: every query the admin pages make (through
 * the tRPC server-side caller, so the procedure's own code counts), /metrics and /health/sync over
 * HTTP, and the sync tick. A measure that fails prints its error instead of figures.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type ApiContext, appRouter } from "@synchub/api";
import type { Database } from "@synchub/db";
import { enqueueDueSyncs } from "@synchub/jobs";
import { startServer } from "@synchub/server";
import { sql } from "kysely";
import { benchSecrets, percentile } from "../harness.ts";

/** Ids the pages' detail views and expanded groups need, picked from the seeded data. */
export interface Samples {
  runId: string;
  connectionId: string;
  scheduleId: string;
  schedule: { cron: string; timeZone: string };
  /** The largest open dead-letter group, as the page lists it first. */
  fingerprint: string;
}

export interface AdminQuery {
  path: string;
  input: unknown;
  /** Which page sends it, and when. */
  page: string;
  /** How the list and the pages' source disagree about it, if they do. */
  drift?: string;
}

/**
 * The one list of what is measured: each query an admin page makes when it opens, with the input
 * it sends then (apps/admin/src: `trpc.<router>.<procedure>.queryOptions(...)` or
 * `.infiniteQueryOptions(...)`, whose first page has no cursor). Queries only sent after a filter
 * is picked are not here; detail views and an expanded group use a sample id.
 */
function adminQueries(s: Samples): AdminQuery[] {
  return [
    { path: "auth.me", input: undefined, page: "every page (App)" },
    { path: "overview.summary", input: undefined, page: "Overview" },
    { path: "overview.needsAttention", input: { limit: 10 }, page: "Overview" },
    { path: "connections.list", input: {}, page: "Connections" },
    { path: "connections.summary", input: {}, page: "Connections" },
    { path: "runs.list", input: { limit: 100, scope: "work" }, page: "Runs" },
    { path: "runs.byId", input: { id: s.runId }, page: "Run detail" },
    { path: "connections.byId", input: { id: s.connectionId }, page: "Runs of one connection" },
    { path: "deadLetters.groups", input: {}, page: "Dead letters (status open)" },
    { path: "deadLetters.summary", input: undefined, page: "Dead letters (status open)" },
    {
      path: "deadLetters.list",
      input: { status: "open", fingerprint: s.fingerprint, limit: 100 },
      page: "Dead letters, largest group expanded",
    },
    { path: "rateLimits.list", input: {}, page: "Rate limits" },
    { path: "rateLimits.summary", input: undefined, page: "Rate limits" },
    { path: "rateLimits.providers", input: undefined, page: "Rate limits" },
    { path: "credits.runs", input: { limit: 200 }, page: "Credits" },
    { path: "credits.balances", input: undefined, page: "Credits" },
    { path: "quotas.nearLimit", input: { thresholdPercent: 80 }, page: "Credits" },
    { path: "quotas.queueStats", input: undefined, page: "Credits" },
    { path: "audit.list", input: { limit: 100 }, page: "Audit" },
    { path: "schedules.list", input: undefined, page: "Schedules" },
    { path: "schedules.byId", input: { id: s.scheduleId }, page: "Schedule detail" },
    { path: "schedules.preview", input: { ...s.schedule, count: 5 }, page: "Schedule detail (cron preview)" },
    { path: "tokens.list", input: undefined, page: "Tokens (admin)" },
    { path: "users.list", input: undefined, page: "Users (admin)" },
  ];
}

const adminSource = fileURLToPath(new URL("../../../apps/admin/src", import.meta.url));
const queryCall =
  /trpc\.(\w+)\.(\w+)\.(?:queryOptions|infiniteQueryOptions|useQuery|useInfiniteQuery|useSuspenseQuery)\(/g;

/**
 * The list above, checked against the admin's source: a query a page makes that the list does not
 * name (a page changed since) is measured too, with no input, and a listed one no page makes any
 * more is marked, so the table never silently drifts from the pages.
 */
export async function pageQueries(samples: Samples): Promise<AdminQuery[]> {
  const found = new Map<string, string>();
  const files = (await readdir(adminSource, { recursive: true })).filter(
    (file) => /\.tsx?$/.test(file) && !/\.test\.tsx?$/.test(file),
  );
  for (const file of files) {
    const text = await readFile(path.join(adminSource, file), "utf8");
    for (const [, router, procedure] of text.matchAll(queryCall)) {
      const name = `${router}.${procedure}`;
      if (!found.has(name)) found.set(name, path.basename(file));
    }
  }
  const listed = adminQueries(samples).map((query) =>
    found.has(query.path) ? query : { ...query, drift: "no page makes it now" },
  );
  const known = new Set(listed.map((query) => query.path));
  const unlisted = [...found]
    .filter(([name]) => !known.has(name))
    .map(([name, file]) => ({
      path: name,
      input: undefined,
      page: file,
      drift: `in ${file}, not listed: no input`,
    }));
  return [...listed, ...unlisted];
}

export async function pickSamples(db: Database): Promise<Samples> {
  const { rows } = await sql<Samples & { cron: string; time_zone: string }>`
    select
      (select id::text from synchub.runs where task = 'sync.target' order by started_at desc limit 1) as "runId",
      (select target_id::text from synchub.runs where task = 'sync.target' order by started_at desc limit 1)
        as "connectionId",
      s.id::text as "scheduleId", s.cron, s.time_zone,
      (select fingerprint from synchub.dead_letters where status = 'open'
        group by fingerprint order by count(*) desc limit 1) as fingerprint
    from synchub.schedules s order by s.name limit 1`.execute(db);
  const row = rows[0]!;
  return { ...row, schedule: { cron: row.cron, timeZone: row.time_zone } };
}

/** p50 and p95 of one measure, or why it could not be taken. */
export interface Figure {
  p50: number;
  p95: number;
  /** What one call answered (rows, bytes, jobs enqueued), from its last sample. */
  note?: string;
  /** /metrics: how many series the body has. */
  series?: number;
  error?: string;
}

export const WARMUPS = 2;
export const REPETITIONS = 20;
/** A slow measure stops taking samples after this long, with at least MIN_SAMPLES. */
const BUDGET_MS = 30_000;
const MIN_SAMPLES = 5;

/** Runs `once` (which times itself, leaving its own setup out) after the warm-ups. */
async function sample(once: () => Promise<{ ms: number; note?: string }>): Promise<Figure> {
  const times: number[] = [];
  let note: string | undefined;
  try {
    for (let i = 0; i < WARMUPS; i++) await once();
    const started = performance.now();
    while (times.length < REPETITIONS) {
      const result = await once();
      times.push(result.ms);
      note = result.note;
      if (times.length >= MIN_SAMPLES && performance.now() - started > BUDGET_MS) break;
    }
  } catch (error) {
    return { p50: Number.NaN, p95: Number.NaN, error: errorText(error) };
  }
  // A measure cut short by the budget says how many samples its percentiles come from.
  if (times.length < REPETITIONS) note = `${note ?? ""} (${times.length} samples)`.trim();
  return { p50: percentile(times, 50), p95: percentile(times, 95), note };
}

/** One line; a validation error's zod issues (its message, as JSON) as "field: problem". */
function errorText(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  try {
    const issues = JSON.parse(message) as { path: (string | number)[]; message: string }[];
    return issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ");
  } catch {
    return message.replace(/\s+/g, " ");
  }
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await work();
  return { ms: performance.now() - t0, value };
}

function sizeOf(answer: unknown): string | undefined {
  if (Array.isArray(answer)) return `${answer.length.toLocaleString("en")} rows`;
  const items = (answer as { items?: unknown } | null)?.items;
  if (Array.isArray(items)) return `${items.length.toLocaleString("en")} rows`;
  return undefined;
}

type Procedure = (input: unknown) => Promise<unknown>;

/** Each query through the server-side caller, as an admin (the Tokens and Users pages need one). */
export async function measureQueries(db: Database, queries: AdminQuery[]): Promise<Map<AdminQuery, Figure>> {
  const ctx: ApiContext = {
    db,
    secrets: benchSecrets.box,
    user: { id: "00000000-0000-4000-8000-00000000a11c", username: "bench-admin", role: "admin" },
    session: { token: null, set() {}, clear() {} },
  };
  const caller = appRouter.createCaller(ctx) as unknown as Record<string, Record<string, Procedure>>;
  const figures = new Map<AdminQuery, Figure>();
  for (const query of queries) {
    const [router, procedure] = query.path.split(".") as [string, string];
    figures.set(
      query,
      await sample(async () => {
        const { ms, value } = await timed(() => caller[router]![procedure]!(query.input));
        return { ms, note: sizeOf(value) };
      }),
    );
  }
  return figures;
}

/** GET /metrics and /health/sync on a real server over this database; the body size of /metrics. */
export async function measureHttp(url: string, db: Database) {
  const server = await startServer({
    connectionString: url,
    encryptionKey: benchSecrets.key,
    admin: { username: "admin", password: "bench-admin-password" },
    port: 0,
  });
  try {
    // /health/sync answers 503 when it judges the system Critical: still an answer.
    const get = async (route: string, expected: number[]) => {
      const { ms, value } = await timed(async () => {
        const response = await fetch(`${server.url}${route}`);
        return { status: response.status, body: await response.text() };
      });
      if (!expected.includes(value.status)) throw new Error(`${route} answered ${value.status}`);
      const series = value.body.split("\n").filter((line) => line && !line.startsWith("#")).length;
      return { ms, status: value.status, bytes: Buffer.byteLength(value.body), series };
    };
    let body = { bytes: 0, series: 0 };
    const metrics = await sample(async () => {
      const answer = await get("/metrics", [200]);
      body = answer;
      return { ms: answer.ms, note: `${answer.bytes.toLocaleString("en")} bytes` };
    });
    const health = await sample(async () => {
      // A live worker, as in production, so the answer is the pools' own judgement.
      await sql`update synchub.worker_heartbeats set last_seen_at = now()`.execute(db);
      const answer = await get("/health/sync", [200, 503]);
      return { ms: answer.ms, note: `HTTP ${answer.status}` };
    });
    const size: Figure = metrics.error
      ? { ...metrics }
      : { p50: body.bytes, p95: body.bytes, series: body.series, note: `${body.series} series` };
    return { metrics, health, size };
  } finally {
    await server.close();
  }
}

export const TICK_DUE = [1_000, 10_000] as const;

/**
 * One sync tick (`enqueueDueSyncs`) with exactly `due` targets due and no sync job queued. Every
 * llm.costs target is made active and not due first (this ends the seeded state, so it runs last);
 * before each sample the same `due` targets are made due again and the queued sync jobs completed.
 */
export async function measureTick(db: Database): Promise<Map<number, Figure>> {
  await sql`
    update synchub.sync_targets set status = 'active', next_sync_at = now() + interval '1 day'
    where kind = 'llm.costs'`.execute(db);
  const figures = new Map<number, Figure>();
  for (const due of TICK_DUE) {
    figures.set(
      due,
      await sample(async () => {
        await sql`
          select count(*) from graphile_worker.complete_jobs(array(
            select id from graphile_worker.jobs where task_identifier = 'sync.target'))`.execute(db);
        await sql`
          update synchub.sync_targets set next_sync_at = now() - interval '1 minute'
          where id in (select id from synchub.sync_targets where kind = 'llm.costs' order by id limit ${due})`.execute(
          db,
        );
        const { ms, value } = await timed(() => enqueueDueSyncs({ db }));
        return { ms, note: `${value.toLocaleString("en")} enqueued` };
      }),
    );
  }
  return figures;
}

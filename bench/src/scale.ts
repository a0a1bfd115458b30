/**
 * `pnpm bench scale` (issue 15): the admin's queries, /metrics, /health/sync and the sync tick on a
 * production-sized database (100,000 targets, 1,000,000 sync runs over 30 days, 10,000 open dead
 * letters, 100,000 audit entries) next to the same at 1/10th of that, so growth shows as a ratio.
 * Seeding: scale/seed.ts; what is measured and how: scale/measure.ts.
 */
import type { BenchServer } from "./harness.ts";
import type { BenchResult } from "./run.ts";
import {
  type AdminQuery,
  type Figure,
  measureHttp,
  measureQueries,
  measureTick,
  pageQueries,
  pickSamples,
  REPETITIONS,
  TICK_DUE,
  WARMUPS,
} from "./scale/measure.ts";
import { DAYS_SIMULATED, retentionAtScale } from "./scale/retention.ts";
import { FULL, type ScaleSize, type SeedReport, seed, TENTH } from "./scale/seed.ts";

const ADMIN_P95_MS = 100;
/** Growth allowed from 1/10th to full size; figures under the floor count as the floor (noise). */
const ADMIN_GROWTH = 2;
const GROWTH_FLOOR_MS = 10;
const HTTP_P95_MS = 200;
const TICK_P95_MS = 1_000;
/** "10x due costs at most about 10x". */
const TICK_GROWTH = 12;

/** A tick row is judged against the tick at a tenth as many due ("tickReference"). */
type Kind = "admin" | "http" | "body" | "tick" | "tickReference";

interface Row {
  measure: string;
  kind: Kind;
  figures: Partial<Record<"tenth" | "full", Figure>>;
}

export async function scale(server: BenchServer): Promise<BenchResult> {
  if (process.env.SCALE_KEEP) return keepSeeded(server);
  const rows = new Map<string, Row>();
  const record = (measure: string, kind: Kind, size: "tenth" | "full", figure: Figure) => {
    const row = rows.get(measure) ?? { measure, kind, figures: {} };
    row.figures[size] = figure;
    rows.set(measure, row);
  };
  const seeded: Record<string, SeedReport> = {};

  for (const key of ["tenth", "full"] as const) {
    const size = key === "tenth" ? TENTH : FULL;
    const { url, db } = await server.newDatabase();
    console.log(`  ${describe(size)}: seeding …`);
    seeded[key] = await seed(db, size);
    console.log(
      `  seeded in ${seeded[key].seconds.toFixed(1)} s (${seeded[key].steps
        .map((step) => `${step.step} ${step.seconds.toFixed(1)} s`)
        .join(", ")})`,
    );

    const queries = await pageQueries(await pickSamples(db));
    console.log(
      `  ${queries.length} admin queries, ${WARMUPS} warm-ups + up to ${REPETITIONS} samples each …`,
    );
    for (const [query, figure] of await measureQueries(db, queries))
      record(queryLabel(query), "admin", key, figure);

    console.log("  /metrics and /health/sync over HTTP …");
    const http = await measureHttp(url, db);
    record("GET /metrics", "http", key, http.metrics);
    record("GET /health/sync", "http", key, http.health);
    record("/metrics body size (bytes)", "body", key, http.size);

    console.log(`  sync tick at ${TICK_DUE.map((n) => n.toLocaleString("en")).join(" and ")} due …`);
    for (const [due, figure] of await measureTick(db))
      record(
        `sync tick, ${due.toLocaleString("en")} due`,
        due === TICK_DUE[1] ? "tick" : "tickReference",
        key,
        figure,
      );
  }

  console.log(`  ${DAYS_SIMULATED} days of runs at 30-day retention …`);
  const retention = await retentionAtScale((await server.newDatabase()).db);
  const retentionOk =
    retention.oldestDays <= 30 &&
    Math.abs(retention.runsAfter / retention.runsBefore - 0.5) < 0.02 &&
    retention.countersDown === 0 &&
    retention.countedAfter === retention.countedBefore;
  const retentionLine =
    `retention: ${retention.runsBefore.toLocaleString("en")} runs over ${DAYS_SIMULATED} days → ` +
    `${retention.runsAfter.toLocaleString("en")} after one history.prune (${retention.pruneSeconds.toFixed(1)} s), ` +
    `the oldest ${retention.oldestDays.toFixed(1)} days old; counted runs ${retention.countedBefore.toLocaleString("en")} → ` +
    `${retention.countedAfter.toLocaleString("en")}, ${retention.countersDown} counter series lower ${retentionOk ? "✓" : "✗"}`;
  console.log(`  ${retentionLine}`);

  const judged = [...rows.values()].map((row) => ({ row, ...judge(row, rows) }));
  console.log(`\n${table(judged)}\n`);

  const answered = (figure?: Figure): figure is Figure => figure !== undefined && !figure.error;
  const [worst] = judged
    .map(({ row }) => row)
    .filter((row) => row.kind === "admin" && answered(row.figures.tenth) && answered(row.figures.full))
    .sort((a, b) => b.figures.full!.p95 - a.figures.full!.p95);
  const assessed = judged.filter((entry) => entry.ok !== null);
  const failing = assessed.filter((entry) => !entry.ok);
  return {
    name: "scale",
    figure: worst
      ? `worst admin query p95 ${ms(worst.figures.full!.p95)} ms (${worst.measure}) at ${describe(FULL)}`
      : "no admin query answered",
    reference: worst ? `the same at 1/10th: ${ms(worst.figures.tenth!.p95)} ms` : "",
    ratio: worst ? worst.figures.full!.p95 / worst.figures.tenth!.p95 : Number.NaN,
    target: `admin p95 < ${ADMIN_P95_MS} ms and <= ${ADMIN_GROWTH}x 1/10; HTTP p95 < ${HTTP_P95_MS} ms; tick at 10,000 due < 1 s`,
    ok: failing.length === 0 && retentionOk,
    detail:
      `seeding: 1/10 ${seeded.tenth!.seconds.toFixed(1)} s, full ${seeded.full!.seconds.toFixed(1)} s; ` +
      `${assessed.length - failing.length} of ${assessed.length} measures meet their target` +
      (failing.length ? `; not met: ${failing.map(({ row }) => row.measure).join(", ")}` : "") +
      `; ${retentionLine}`,
  };
}

/**
 * `SCALE_KEEP=1 pnpm bench scale`: seeds the full size only and keeps it until Enter is pressed,
 * for EXPLAIN (ANALYZE, BUFFERS) by hand on the queries behind a slow row (/metrics' and
 * /health/sync's too, which run in the server's own pool).
 */
async function keepSeeded(server: BenchServer): Promise<BenchResult> {
  const { url, db } = await server.newDatabase();
  const report = await seed(db, FULL);
  console.log(`  ${describe(FULL)} seeded in ${report.seconds.toFixed(1)} s`);
  console.log(`  psql '${url}'\n  Press Enter to stop Postgres.`);
  await new Promise((resolve) => process.stdin.once("data", resolve));
  process.stdin.pause();
  return {
    name: "scale (SCALE_KEEP: seeded, nothing measured)",
    figure: `seeded in ${report.seconds.toFixed(1)} s`,
    reference: describe(FULL),
    ratio: Number.NaN,
    target: "none",
    ok: true,
    detail: url,
  };
}

function describe(size: ScaleSize): string {
  const n = (value: number) => value.toLocaleString("en");
  return `${n(size.targets)} targets / ${n(size.runs)} runs / ${n(size.deadLetters)} dead letters / ${n(size.audit)} audit`;
}

/** The procedure and its input; sample ids (which differ per database) as "…". */
function queryLabel(query: AdminQuery): string {
  const input =
    query.input === undefined
      ? ""
      : ` ${JSON.stringify(query.input, (key, value) => (key === "id" || key === "fingerprint" ? "…" : value))}`;
  return `${query.path}${input}${query.drift ? ` (${query.drift})` : ""}`;
}

function judge(row: Row, rows: Map<string, Row>): { target: string; ok: boolean | null } {
  const { tenth, full } = row.figures;
  if (!tenth || !full || tenth.error || full.error) return { target: targetOf(row), ok: false };
  switch (row.kind) {
    case "admin":
      return {
        target: targetOf(row),
        ok: full.p95 < ADMIN_P95_MS && full.p95 <= ADMIN_GROWTH * Math.max(tenth.p95, GROWTH_FLOOR_MS),
      };
    case "http":
      return { target: targetOf(row), ok: full.p95 < HTTP_P95_MS };
    case "body":
      // Counts gain digits as they grow: the same series is what "independent of size" means.
      return { target: targetOf(row), ok: full.series === tenth.series };
    case "tickReference":
      return { target: targetOf(row), ok: null };
    case "tick": {
      const reference = [...rows.values()].find((other) => other.kind === "tickReference")?.figures.full;
      const growth = reference && !reference.error ? full.p95 / reference.p95 : Number.NaN;
      return {
        target: `${targetOf(row)} (${growth.toFixed(1)}x)`,
        ok: full.p95 < TICK_P95_MS && growth <= TICK_GROWTH,
      };
    }
  }
}

function targetOf(row: Row): string {
  switch (row.kind) {
    case "admin":
      return `p95 < ${ADMIN_P95_MS} ms, <= ${ADMIN_GROWTH}x 1/10 (floor ${GROWTH_FLOOR_MS} ms)`;
    case "http":
      return `p95 < ${HTTP_P95_MS} ms`;
    case "body":
      return "same series at both sizes";
    case "tick":
      return `p95 < ${TICK_P95_MS} ms, 10x due <= ~10x`;
    case "tickReference":
      return "(reference for 10x due)";
  }
}

function ms(value: number): string {
  if (!Number.isFinite(value)) return "–";
  if (value < 10) return value.toFixed(2);
  if (value < 100) return value.toFixed(1);
  return Math.round(value).toLocaleString("en");
}

/** A markdown table, ready for bench/README.md. */
function table(entries: { row: Row; target: string; ok: boolean | null }[]): string {
  const header = [
    "measure",
    "1/10 p50",
    "1/10 p95",
    "full p50",
    "full p95",
    "full/tenth",
    "target",
    "",
    "answered (1/10 → full)",
  ];
  const lines = entries.map(({ row, target, ok }) => {
    const { tenth, full } = row.figures;
    const cells = (figure?: Figure) =>
      !figure || figure.error
        ? ["error", "error"]
        : row.kind === "body"
          ? [figure.p50.toLocaleString("en"), ""]
          : [ms(figure.p50), ms(figure.p95)];
    const ratio = tenth && full && !tenth.error && !full.error ? (full.p95 / tenth.p95).toFixed(1) : "–";
    const said = [tenth, full].map((figure) =>
      figure?.error ? `error: ${figure.error}` : (figure?.note ?? ""),
    );
    const answered =
      said[0] === said[1] && said[0]!.startsWith("error") ? said[0]! : said.join(" → ").replace(/^ → $/, "");
    return [
      row.measure,
      ...cells(tenth),
      ...cells(full),
      ratio,
      target,
      ok === null ? "" : ok ? "✓" : "✗",
      answered,
    ];
  });
  const widths = header.map((_, i) => Math.max(header[i]!.length, ...lines.map((line) => line[i]!.length)));
  const format = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i]!)).join(" | ")} |`;
  return [format(header), format(widths.map((w) => "-".repeat(w))), ...lines.map(format)].join("\n");
}

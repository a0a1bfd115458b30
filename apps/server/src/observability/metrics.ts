import { type Database, type MetricsSnapshot, metricsSnapshot, TARGET_STATES } from "@synchub/db";
import { DURATION_BUCKETS_SECONDS, WORKER_SILENCE_MS } from "@synchub/domain";
import { Counter, Gauge, Registry } from "prom-client";

const SYNC_STATUSES = ["succeeded", "failed", "deferred"] as const;
const JOB_STATUSES = ["succeeded", "failed"] as const;

/**
 * Prometheus metrics computed from Postgres at scrape time: runs, targets, queue and dead letters
 * are shared by every worker process, so the numbers are the whole system's, whichever server
 * instance is scraped. Counters come from the run rollups (synchub.run_counts), which survive
 * history pruning, so they never go down. Every label set is bounded by pools, kinds and tasks,
 * and each expected one is reported from the first scrape (at 0), so rate() and increase() see
 * a series' first run.
 */
export function createMetrics(db: Database): { registry: Registry; render(): Promise<string> } {
  const registry = new Registry();
  // One snapshot per scrape, read by every collector (prom-client runs them concurrently).
  let snapshot: MetricsSnapshot | undefined;
  const current = () => snapshot!;
  const gauge = (name: string, help: string, labelNames: string[], fill: (g: Gauge) => void) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        fill(this);
      },
    });
  const counter = (name: string, help: string, labelNames: string[], fill: (c: Counter) => void) =>
    new Counter({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        fill(this);
      },
    });

  counter(
    "synchub_sync_runs_total",
    "Finished sync runs by pool, kind and status.",
    ["pool", "kind", "status"],
    (c) => {
      // Every pool and kind with targets now or with counted runs (a deleted one's counts stay).
      const counted = syncCounts(current());
      for (const group of [...current().targetGroups, ...counted])
        for (const status of SYNC_STATUSES) c.inc({ pool: group.pool, kind: group.kind, status }, 0);
      for (const row of counted) c.inc({ pool: row.pool, kind: row.kind, status: row.status }, row.runs);
    },
  );

  counter(
    "synchub_job_runs_total",
    "Finished runs of tasks without a target (business jobs, ticks) by task and status.",
    ["task", "status"],
    (c) => {
      for (const task of current().scheduledTasks)
        for (const status of JOB_STATUSES) c.inc({ task, status }, 0);
      for (const row of current().runCounts)
        if (row.kind === "" && row.status !== "running")
          c.inc({ task: row.task, status: row.status }, row.runs);
    },
  );

  gauge(
    "synchub_job_last_success_timestamp_seconds",
    "Unix time of the last successful run per task without a target.",
    ["task"],
    (g) => {
      const latest = new Map<string, number>();
      for (const row of current().runCounts) {
        if (row.kind !== "" || row.status !== "succeeded") continue;
        const at = row.lastFinishedAt.getTime() / 1000;
        latest.set(row.task, Math.max(latest.get(row.task) ?? 0, at));
      }
      for (const [task, at] of latest) g.set({ task }, at);
    },
  );

  gauge(
    "synchub_job_last_duration_seconds",
    "Duration of the latest finished run per task without a target.",
    ["task"],
    (g) => {
      for (const row of current().jobLatest) g.set({ task: row.task }, row.lastDurationSeconds);
    },
  );

  gauge(
    "synchub_targets",
    "Targets by pool, kind and state (paused_by_system: paused by the engine after authentication failures).",
    ["pool", "kind", "state"],
    (g) => {
      for (const group of current().targetGroups)
        for (const state of TARGET_STATES)
          g.set({ pool: group.pool, kind: group.kind, state }, group.states[state]);
    },
  );

  gauge(
    "synchub_sync_last_success_timestamp_seconds",
    "Unix time of the newest successful sync of any target of a pool and kind.",
    ["pool", "kind"],
    (g) => {
      for (const group of current().targetGroups)
        if (group.lastSuccessAt)
          g.set({ pool: group.pool, kind: group.kind }, group.lastSuccessAt.getTime() / 1000);
    },
  );

  gauge(
    "synchub_target_oldest_due_age_seconds",
    "How long the most overdue active target of a pool and kind has waited past its next sync (0: none due).",
    ["pool", "kind"],
    (g) => {
      for (const group of current().targetGroups)
        g.set({ pool: group.pool, kind: group.kind }, group.oldestDueSeconds);
    },
  );

  gauge(
    "synchub_workers_alive",
    `Worker processes with a heartbeat in the last ${WORKER_SILENCE_MS / 1000} s.`,
    [],
    (g) => g.set(current().workers.alive),
  );

  gauge(
    "synchub_worker_heartbeat_age_seconds",
    "Seconds since the newest worker heartbeat (+Inf: no worker ever reported in).",
    [],
    (g) => {
      const { lastBeatAt } = current().workers;
      g.set(lastBeatAt ? Math.max(0, (Date.now() - lastBeatAt.getTime()) / 1000) : Number.POSITIVE_INFINITY);
    },
  );

  gauge(
    "synchub_dead_letters_open",
    "Open dead letters by task and error class.",
    ["task", "error_class"],
    (g) => {
      // Every task that can dead-letter: the scheduled ones and the sync loop's own.
      for (const task of [...current().scheduledTasks, "sync.target"])
        for (const errorClass of ["transient", "permanent"]) g.set({ task, error_class: errorClass }, 0);
      for (const row of current().deadLetters)
        g.set({ task: row.task, error_class: row.errorClass }, row.open);
    },
  );

  gauge(
    "synchub_dead_letters_oldest_open_age_seconds",
    "Seconds since the first failure of the oldest open dead letter, by task and error class.",
    ["task", "error_class"],
    (g) => {
      for (const row of current().deadLetters)
        g.set({ task: row.task, error_class: row.errorClass }, row.oldestOpenSeconds);
    },
  );

  gauge(
    "synchub_pool_paused",
    "1 while a pool's pacing is paused (a 429 or Retry-After), else 0.",
    ["pool"],
    (g) => {
      for (const row of current().pools) if (row.pool !== null) g.set({ pool: row.pool }, row.paused ? 1 : 0);
    },
  );

  // scope="pool": a pool's own pacing key; scope="credential": every per-credential key summed.
  const byScope = (row: MetricsSnapshot["pools"][number]) =>
    row.pool === null ? { scope: "credential" } : { scope: "pool", pool: row.pool };

  counter(
    "synchub_rate_limit_deferrals_total",
    "Times work was deferred because a pacing key had no budget: a pool's own key, or all credential keys.",
    ["scope", "pool"],
    (c) => {
      for (const row of current().pools) c.inc(byScope(row), row.deferrals);
    },
  );

  counter(
    "synchub_rate_limit_throttled_total",
    "Provider 429 answers that paused a pacing key: a pool's own key, or all credential keys.",
    ["scope", "pool"],
    (c) => {
      for (const row of current().pools) c.inc(byScope(row), row.throttled);
    },
  );

  gauge(
    "synchub_queue_jobs",
    "graphile-worker jobs by task and state (waiting, active, delayed, failed).",
    ["task", "state"],
    (g) => {
      for (const row of current().queue) g.set({ task: row.task, state: row.state }, row.n);
    },
  );

  return {
    registry,
    async render() {
      snapshot = await metricsSnapshot(db, WORKER_SILENCE_MS);
      return `${await registry.metrics()}${durationHistogram(snapshot)}`;
    },
  };
}

/** Finished sync runs (runs of a target), summed over duration buckets. */
function syncCounts(snapshot: MetricsSnapshot) {
  const sums = new Map<string, { pool: string; kind: string; status: string; runs: number }>();
  for (const row of snapshot.runCounts) {
    if (row.kind === "" || row.status === "running") continue;
    const key = `${row.pool}\u0000${row.kind}\u0000${row.status}`;
    const entry = sums.get(key) ?? { pool: row.pool, kind: row.kind, status: row.status, runs: 0 };
    entry.runs += row.runs;
    sums.set(key, entry);
  }
  return [...sums.values()];
}

/**
 * prom-client histograms can only be observed in-process; these durations come from every
 * worker's runs (the rollups), so the histogram is written in the exposition format directly.
 * Succeeded and failed sync runs count; deferred ones did no work.
 */
function durationHistogram(snapshot: MetricsSnapshot): string {
  const name = "synchub_sync_run_duration_seconds";
  const groups = new Map<string, { pool: string; kind: string; buckets: number[]; sumMs: number }>();
  for (const group of snapshot.targetGroups) {
    groups.set(`${group.pool}\u0000${group.kind}`, {
      pool: group.pool,
      kind: group.kind,
      buckets: Array(DURATION_BUCKETS_SECONDS.length + 1).fill(0),
      sumMs: 0,
    });
  }
  for (const row of snapshot.runCounts) {
    if (row.kind === "" || (row.status !== "succeeded" && row.status !== "failed")) continue;
    const key = `${row.pool}\u0000${row.kind}`;
    const entry = groups.get(key) ?? {
      pool: row.pool,
      kind: row.kind,
      buckets: Array(DURATION_BUCKETS_SECONDS.length + 1).fill(0),
      sumMs: 0,
    };
    entry.buckets[row.durationBucket] += row.runs;
    entry.sumMs += row.durationMsSum;
    groups.set(key, entry);
  }
  const lines = [
    `# HELP ${name} Duration of finished (succeeded or failed) sync runs by pool and kind.`,
    `# TYPE ${name} histogram`,
  ];
  for (const group of groups.values()) {
    const labels = `pool="${escapeLabel(group.pool)}",kind="${escapeLabel(group.kind)}"`;
    let cumulative = 0;
    for (const [i, le] of DURATION_BUCKETS_SECONDS.entries()) {
      cumulative += group.buckets[i] ?? 0;
      lines.push(`${name}_bucket{${labels},le="${le}"} ${cumulative}`);
    }
    cumulative += group.buckets[DURATION_BUCKETS_SECONDS.length] ?? 0;
    lines.push(`${name}_bucket{${labels},le="+Inf"} ${cumulative}`);
    lines.push(`${name}_sum{${labels}} ${group.sumMs / 1000}`);
    lines.push(`${name}_count{${labels}} ${cumulative}`);
  }
  return `${lines.join("\n")}\n`;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

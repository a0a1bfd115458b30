import { type Database, metricsSnapshot } from "@synchub/db";
import { Gauge, Registry } from "prom-client";

const DURATION_BUCKETS = [0.1, 0.5, 1, 5, 15, 60, 300, 900];

/**
 * Prometheus metrics computed from Postgres at scrape time: runs, queue and dead letters are
 * shared by every worker process, so the numbers are the whole system's, whichever server
 * instance is scraped. (Counters read from tables are monotonic as long as runs are kept.)
 */
export function createMetrics(db: Database): { registry: Registry; render(): Promise<string> } {
  const registry = new Registry();
  // One snapshot per scrape, read by every collector (prom-client runs them concurrently).
  let snapshot: Awaited<ReturnType<typeof metricsSnapshot>> | undefined;

  new Gauge({
    name: "synchub_sync_runs_total",
    help: "Sync runs by provider, trigger and status (counted from the run history).",
    labelNames: ["provider", "trigger", "status"],
    registers: [registry],
    collect() {
      this.reset();
      for (const row of snapshot!.runs)
        this.set({ provider: row.provider, trigger: row.trigger, status: row.status }, row.n);
    },
  });

  new Gauge({
    name: "synchub_last_success_timestamp_seconds",
    help: "Unix time of the last successful sync per provider.",
    labelNames: ["provider"],
    registers: [registry],
    collect() {
      this.reset();
      for (const row of snapshot!.lastSuccess) this.set({ provider: row.provider }, row.at);
    },
  });

  new Gauge({
    name: "synchub_queue_jobs",
    help: "graphile-worker jobs by task and state (waiting, active, delayed, failed).",
    labelNames: ["task", "state"],
    registers: [registry],
    collect() {
      this.reset();
      for (const row of snapshot!.queue) this.set({ task: row.task, state: row.state }, row.n);
    },
  });

  new Gauge({
    name: "synchub_dead_letters_open",
    help: "Open dead letters by task.",
    labelNames: ["task"],
    registers: [registry],
    collect() {
      this.reset();
      for (const row of snapshot!.deadLetters) this.set({ task: row.task }, row.n);
    },
  });

  new Gauge({
    name: "synchub_rate_limit_deferrals_total",
    help: "Times work was deferred because a pacing key had no budget.",
    labelNames: ["key"],
    registers: [registry],
    collect() {
      this.reset();
      for (const row of snapshot!.rateLimits) this.set({ key: row.key }, row.deferrals);
    },
  });

  new Gauge({
    name: "synchub_rate_limit_throttled_total",
    help: "429 answers that paused a pacing key.",
    labelNames: ["key"],
    registers: [registry],
    collect() {
      this.reset();
      for (const row of snapshot!.rateLimits) this.set({ key: row.key }, row.throttled);
    },
  });

  new Gauge({
    name: "synchub_job_runs_total",
    help: "Business job runs (credits, quotas, ticks) by task and status, from synchub.runs.",
    labelNames: ["task", "status"],
    registers: [registry],
    collect() {
      this.reset();
      for (const row of snapshot!.jobRuns) this.set({ task: row.task, status: row.status }, row.n);
    },
  });

  new Gauge({
    name: "synchub_job_last_success_timestamp_seconds",
    help: "Unix time of the last successful run per business job.",
    labelNames: ["task"],
    registers: [registry],
    collect() {
      this.reset();
      for (const row of snapshot!.jobLatest)
        if (row.last_success !== null) this.set({ task: row.task }, row.last_success);
    },
  });

  new Gauge({
    name: "synchub_job_last_duration_seconds",
    help: "Duration of the latest finished run per business job.",
    labelNames: ["task"],
    registers: [registry],
    collect() {
      this.reset();
      for (const row of snapshot!.jobLatest) {
        if (row.last_duration !== null) this.set({ task: row.task }, row.last_duration);
      }
    },
  });

  return {
    registry,
    async render() {
      snapshot = await metricsSnapshot(db, DURATION_BUCKETS);
      return `${await registry.metrics()}\n${durationHistogram(snapshot.durations)}`;
    },
  };
}

/**
 * prom-client histograms can only be observed in-process; the durations here come from the run
 * history of every worker, so the histogram is written in the exposition format directly.
 */
function durationHistogram(
  rows: { provider: string; count: number; sum: number; buckets: number[] }[],
): string {
  const name = "synchub_sync_run_duration_seconds";
  const lines = [`# HELP ${name} Duration of finished sync runs by provider.`, `# TYPE ${name} histogram`];
  for (const row of rows) {
    const provider = `provider="${escapeLabel(row.provider)}"`;
    for (const [i, le] of DURATION_BUCKETS.entries()) {
      lines.push(`${name}_bucket{${provider},le="${le}"} ${row.buckets[i] ?? 0}`);
    }
    lines.push(`${name}_bucket{${provider},le="+Inf"} ${row.count}`);
    lines.push(`${name}_sum{${provider}} ${row.sum}`);
    lines.push(`${name}_count{${provider}} ${row.count}`);
  }
  return `${lines.join("\n")}\n`;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

import type { OverviewRange } from "@synchub/api/schemas";
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { duration } from "../../format.ts";
import type { Summary } from "./types.ts";

const HOUR_MS = 3_600_000;
/** Bars per range: hours up to a day, then 6-hour blocks (a week) and days (a month). */
const buckets: Record<OverviewRange, { count: number; hours: number; caption: string }> = {
  "1h": { count: 1, hours: 1, caption: "the current hour" },
  "24h": { count: 24, hours: 1, caption: "per hour, last 24 hours" },
  "7d": { count: 28, hours: 6, caption: "per 6 hours, last 7 days" },
  "30d": { count: 30, hours: 24, caption: "per day, last 30 days" },
};
const colors = { succeeded: "#32a46b", failed: "#e0413b", p95: "#4f46e5", grid: "#e3e6eb", axis: "#667085" };
const timeLabel = new Intl.DateTimeFormat("en", { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
const dayLabel = new Intl.DateTimeFormat("en", { month: "short", day: "numeric" });
const rangeLabel = new Intl.DateTimeFormat("en", { weekday: "short", hour: "2-digit", minute: "2-digit" });
const axisProps = {
  stroke: colors.grid,
  tick: { fill: colors.axis, fontSize: 12 },
  tickLine: false,
} as const;

interface Point {
  at: number;
  succeeded: number;
  failed: number;
  p95Ms: number | null;
}

/**
 * The range's hours grouped into its bars; a bar without runs is zero, so the axis always spans the
 * whole range. A bar of several hours shows the worst of their P95s (percentiles do not add up).
 */
function group(rows: Summary["hourly"], range: OverviewRange, now: number): Point[] {
  const { count, hours } = buckets[range];
  const size = hours * HOUR_MS;
  const last = Math.floor(now / size) * size;
  const first = last - (count - 1) * size;
  const points: Point[] = Array.from({ length: count }, (_, index) => ({
    at: first + index * size,
    succeeded: 0,
    failed: 0,
    p95Ms: null,
  }));
  for (const row of rows) {
    const point = points[Math.floor((row.hour.getTime() - first) / size)];
    if (!point) continue;
    point.succeeded += row.succeeded;
    point.failed += row.failed;
    if (row.p95_seconds !== null) point.p95Ms = Math.max(point.p95Ms ?? 0, row.p95_seconds * 1_000);
  }
  return points;
}

/** Succeeded vs failed sync runs over the range (stacked) and their P95 duration, side by side. */
export default function RunsOverTimeCharts({
  rows,
  range,
  now,
}: {
  rows: Summary["hourly"];
  range: OverviewRange;
  now: number;
}) {
  const points = group(rows, range, now);
  const { hours, caption } = buckets[range];
  const label = (at: number) => (hours >= 24 ? dayLabel.format(at) : timeLabel.format(at));
  const tooltipLabel = (at: unknown) => {
    const start = Number(at);
    return hours >= 24
      ? dayLabel.format(start)
      : `${rangeLabel.format(start)} – ${timeLabel.format(start + hours * HOUR_MS)}`;
  };
  const anyRuns = points.some((point) => point.succeeded + point.failed > 0);
  const anyDuration = points.some((point) => point.p95Ms !== null);
  const xAxis = <XAxis dataKey="at" {...axisProps} tickFormatter={label} minTickGap={16} />;
  const empty = (
    <p className="chart-empty">No finished runs in {caption.replace(/^per \S+( hours)?, /, "the ")}</p>
  );
  return (
    <div className="chart-grid">
      <figure className="card chart" aria-labelledby="runs-chart-title">
        <h2 id="runs-chart-title">Sync runs</h2>
        <figcaption className="muted">Succeeded and failed, {caption}</figcaption>
        <div className="chart-body">
          <ResponsiveContainer width="100%" height={240}>
            <BarChart data={points} margin={{ top: 8, right: 8, bottom: 0, left: -12 }}>
              <CartesianGrid stroke={colors.grid} vertical={false} />
              {xAxis}
              <YAxis {...axisProps} axisLine={false} allowDecimals={false} width={48} />
              <Tooltip labelFormatter={tooltipLabel} cursor={{ fill: "rgb(79 70 229 / 0.06)" }} />
              <Legend iconType="circle" iconSize={8} itemSorter={null} wrapperStyle={{ fontSize: 12 }} />
              <Bar
                dataKey="succeeded"
                name="Succeeded"
                stackId="runs"
                fill={colors.succeeded}
                isAnimationActive={false}
              />
              <Bar
                dataKey="failed"
                name="Failed"
                stackId="runs"
                fill={colors.failed}
                isAnimationActive={false}
              />
            </BarChart>
          </ResponsiveContainer>
          {anyRuns ? null : empty}
        </div>
      </figure>
      <figure className="card chart" aria-labelledby="duration-chart-title">
        <h2 id="duration-chart-title">P95 run duration</h2>
        <figcaption className="muted">
          95th percentile of finished runs, {caption}
          {hours > 1 ? " (the worst hour of each bar)" : ""}
        </figcaption>
        <div className="chart-body">
          <ResponsiveContainer width="100%" height={240}>
            <LineChart data={points} margin={{ top: 8, right: 8, bottom: 0, left: -12 }}>
              <CartesianGrid stroke={colors.grid} vertical={false} />
              {xAxis}
              <YAxis
                {...axisProps}
                axisLine={false}
                width={64}
                domain={[0, "auto"]}
                tickFormatter={(ms: number) => duration(ms)}
              />
              <Tooltip
                labelFormatter={tooltipLabel}
                formatter={(value) => (typeof value === "number" ? duration(value) : "no runs")}
              />
              <Legend iconType="circle" iconSize={8} itemSorter={null} wrapperStyle={{ fontSize: 12 }} />
              <Line
                type="monotone"
                dataKey="p95Ms"
                name="P95 duration"
                stroke={colors.p95}
                strokeWidth={2}
                dot={{ r: 3 }}
                isAnimationActive={false}
              />
            </LineChart>
          </ResponsiveContainer>
          {anyDuration ? null : empty}
        </div>
      </figure>
    </div>
  );
}

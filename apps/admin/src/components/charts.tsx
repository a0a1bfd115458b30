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
import { duration } from "../format.ts";

/** One hour of finished runs, as `overview.summary().hourly` returns it. */
export interface HourlyRuns {
  hour: Date;
  succeeded: number;
  failed: number;
  p95_seconds: number | null;
}

interface Point {
  at: number;
  succeeded: number;
  failed: number;
  p95Ms: number | null;
}

const HOUR_MS = 3_600_000;
const colors = { succeeded: "#32a46b", failed: "#e0413b", p95: "#4f46e5", grid: "#e3e6eb", axis: "#667085" };
const hourLabel = new Intl.DateTimeFormat("en", { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
const hourRange = new Intl.DateTimeFormat("en", { weekday: "short", hour: "2-digit", minute: "2-digit" });
const axisProps = {
  stroke: colors.grid,
  tick: { fill: colors.axis, fontSize: 12 },
  tickLine: false,
} as const;

/**
 * The last 24 hours, one point per hour: hours without runs are zero (or no P95), so the axis
 * always spans the whole day instead of jumping between the hours that happened to have runs.
 */
function fill(rows: HourlyRuns[], now: number): Point[] {
  const byHour = new Map(rows.map((row) => [row.hour.getTime(), row]));
  const current = Math.floor(now / HOUR_MS) * HOUR_MS;
  return Array.from({ length: 24 }, (_, index) => {
    const at = current - (23 - index) * HOUR_MS;
    const row = byHour.get(at);
    return {
      at,
      succeeded: row?.succeeded ?? 0,
      failed: row?.failed ?? 0,
      p95Ms: row?.p95_seconds == null ? null : row.p95_seconds * 1_000,
    };
  });
}

function tooltipLabel(at: unknown): string {
  const start = Number(at);
  return `${hourRange.format(start)} – ${hourLabel.format(start + HOUR_MS)}`;
}

/** Succeeded vs failed runs per hour (stacked) and the P95 duration per hour, side by side. */
export default function HourlyCharts({ rows, now }: { rows: HourlyRuns[]; now: number }) {
  const points = fill(rows, now);
  const anyRuns = points.some((point) => point.succeeded + point.failed > 0);
  const anyDuration = points.some((point) => point.p95Ms !== null);
  const xAxis = (
    <XAxis
      dataKey="at"
      {...axisProps}
      tickFormatter={(at: number) => hourLabel.format(at)}
      interval={3}
      minTickGap={8}
    />
  );
  return (
    <div className="chart-grid">
      <figure className="card chart" aria-labelledby="runs-chart-title">
        <h2 id="runs-chart-title">Runs per hour</h2>
        <figcaption className="muted">Succeeded and failed, last 24 hours</figcaption>
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
          {anyRuns ? null : <p className="chart-empty">No finished runs in the last 24 hours</p>}
        </div>
      </figure>
      <figure className="card chart" aria-labelledby="duration-chart-title">
        <h2 id="duration-chart-title">P95 run duration</h2>
        <figcaption className="muted">95th percentile of finished runs per hour, last 24 hours</figcaption>
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
          {anyDuration ? null : <p className="chart-empty">No finished runs in the last 24 hours</p>}
        </div>
      </figure>
    </div>
  );
}

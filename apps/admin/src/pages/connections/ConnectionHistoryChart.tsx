import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import styles from "./connections.module.css";
import type { DailyCost } from "./types.ts";

const DAY_MS = 86_400_000;
const palette = ["#4f46e5", "#32a46b", "#f79009", "#e0413b"];
const axis = { stroke: "#e3e6eb", tick: { fill: "#667085", fontSize: 12 }, tickLine: false } as const;
const dayLabel = new Intl.DateTimeFormat("en", { month: "short", day: "numeric", timeZone: "UTC" });

/** Every day of the window (UTC dates, as the provider bills), a bar per currency; days without data are 0. */
function points(
  rows: DailyCost[],
  days: number,
): { currencies: string[]; data: Record<string, number | string>[] } {
  const currencies = [...new Set(rows.map((row) => row.currency))].sort();
  const byDay = new Map<string, Record<string, number>>();
  for (const row of rows) {
    const day = byDay.get(row.date) ?? {};
    day[row.currency] = Number(row.totalCost);
    byDay.set(row.date, day);
  }
  const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
  const data = Array.from({ length: days }, (_, index) => {
    const date = new Date(today - (days - 1 - index) * DAY_MS).toISOString().slice(0, 10);
    const costs = byDay.get(date) ?? {};
    return { date, ...Object.fromEntries(currencies.map((currency) => [currency, costs[currency] ?? 0])) };
  });
  return { currencies, data };
}

export default function ConnectionHistoryChart({ rows, days }: { rows: DailyCost[]; days: number }) {
  const { currencies, data } = points(rows, days);
  return (
    <div className="chart-body">
      <ResponsiveContainer width="100%" height={240}>
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -8 }}>
          <CartesianGrid stroke="#e3e6eb" vertical={false} />
          <XAxis
            dataKey="date"
            {...axis}
            tickFormatter={(date: string) => dayLabel.format(new Date(date))}
            minTickGap={16}
          />
          <YAxis {...axis} axisLine={false} width={56} />
          <Tooltip labelFormatter={(date) => dayLabel.format(new Date(String(date)))} />
          <Legend iconType="circle" iconSize={8} wrapperStyle={{ fontSize: 12 }} />
          {currencies.map((currency, index) => (
            <Bar
              key={currency}
              dataKey={currency}
              name={currency}
              stackId="cost"
              fill={palette[index % palette.length]}
              isAnimationActive={false}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
      {rows.length === 0 ? (
        <p className={`chart-empty ${styles.chartEmpty}`}>No synced data in the last {days} days</p>
      ) : null}
    </div>
  );
}

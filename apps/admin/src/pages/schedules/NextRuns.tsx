import { exactTime } from "../../format.ts";
import { zonedTime } from "./zonedTime.ts";

/** The next occurrences of a schedule on its own clock, the viewer's time as each one's tooltip. */
export function NextRuns({ dates, timeZone }: { dates: Date[]; timeZone: string }) {
  if (dates.length === 0) return <p className="muted">No upcoming runs.</p>;
  return (
    <ol className="run-list">
      {dates.map((date) => (
        <li key={date.toISOString()}>
          <time dateTime={date.toISOString()} title={`Your time: ${exactTime(date)}`}>
            {zonedTime(date, timeZone)}
          </time>
        </li>
      ))}
    </ol>
  );
}

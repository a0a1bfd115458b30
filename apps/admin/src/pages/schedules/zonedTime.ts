import { exactTime } from "../../format.ts";

/** An instant on the schedule's own wall clock ("Thu, Dec 3, 2026, 19:00 UTC"). */
export function zonedTime(date: Date, timeZone: string, withSeconds = false): string {
  try {
    // dateStyle/timeStyle cannot be combined with timeZoneName, so the parts are spelled out.
    return new Intl.DateTimeFormat("en", {
      year: "numeric",
      month: "short",
      day: "numeric",
      weekday: "short",
      hour: "2-digit",
      minute: "2-digit",
      ...(withSeconds ? { second: "2-digit" } : {}),
      hourCycle: "h23",
      timeZone,
      timeZoneName: "short",
    }).format(date);
  } catch {
    return exactTime(date);
  }
}

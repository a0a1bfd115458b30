const dayPattern = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Unix seconds of a YYYY-MM-DD UTC midnight; throws RangeError on anything else. */
export function dayToUnixSeconds(day: string, field: string): number {
  const match = dayPattern.exec(day);
  if (match) {
    const ms = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
    if (new Date(ms).toISOString().slice(0, 10) === day) return ms / 1000;
  }
  throw new RangeError(`${field} must be a calendar day formatted YYYY-MM-DD, got ${JSON.stringify(day)}`);
}

export function unixSecondsToDay(seconds: number): string {
  return new Date(seconds * 1000).toISOString().slice(0, 10);
}

export function tomorrowUtc(now: Date = new Date()): string {
  const ms = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  return new Date(ms).toISOString().slice(0, 10);
}

/** The UTC day `count` days after `day` (before, when negative). */
export function addDays(day: string, count: number): string {
  return unixSecondsToDay(dayToUnixSeconds(day, "day") + count * 86_400);
}

/** Every UTC day from `startDay` up to, not including, `endDay`. */
export function daysBetween(startDay: string, endDay: string): string[] {
  const days: string[] = [];
  for (let day = startDay; day < endDay; day = addDays(day, 1)) days.push(day);
  return days;
}

export function todayUtc(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** The later of two YYYY-MM-DD days (they compare as strings). */
export function laterDay(a: string, b: string): string {
  if (a >= b) return a;
  return b;
}

/** The earlier of two YYYY-MM-DD days. */
export function earlierDay(a: string, b: string): string {
  if (a <= b) return a;
  return b;
}

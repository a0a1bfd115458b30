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

import { describe, expect, it } from "vitest";
import {
  dueOccurrences,
  nextOccurrences,
  scheduleUpdateSchema,
  skippedLedgerLimit,
  validateCronAndZone,
} from "./schedules.ts";

const iso = (dates: Date[]) => dates.map((date) => date.toISOString());

describe("schedule validation", () => {
  it("names the cron field for an expression that is not five valid fields", () => {
    for (const cron of ["* * * *", "61 * * * *", "* * * * * *", "every day", "0 0 30 2 *", "H * * * *"]) {
      const problems = validateCronAndZone({ cron, timeZone: "UTC" });
      expect(problems, cron).toHaveLength(1);
      expect(problems[0], cron).toMatch(/^cron: /);
    }
  });

  it("names the timeZone field for a zone that does not exist", () => {
    expect(validateCronAndZone({ cron: "*/5 * * * *", timeZone: "Mars/Olympus" })).toEqual([
      expect.stringMatching(/^timeZone: unknown time zone "Mars\/Olympus"/),
    ]);
    expect(validateCronAndZone({ cron: "*/5 * * * *", timeZone: "+02:00" })).toEqual([
      expect.stringMatching(/^timeZone: /),
    ]);
  });

  it("accepts names, ranges, steps and lists in a known zone", () => {
    expect(validateCronAndZone({ cron: "*/15 9-17 * JAN-JUN MON-FRI", timeZone: "Europe/Berlin" })).toEqual(
      [],
    );
  });

  it("reports issues on the cron and timeZone paths of the update schema", () => {
    const parsed = scheduleUpdateSchema.safeParse({
      cron: "61 * * * *",
      timeZone: "Mars/Olympus",
      missedPolicy: "skip",
      catchUpCap: 10,
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => issue.path.join("."))).toEqual(["cron", "timeZone"]);
  });
});

describe("next occurrences", () => {
  it("keep a Berlin wall-clock time across the spring DST change", () => {
    // Clocks go from 02:00 CET to 03:00 CEST on 2026-03-29: 09:00 local moves from 08:00 to 07:00 UTC.
    const runs = nextOccurrences("0 9 * * *", "Europe/Berlin", new Date("2026-03-27T12:00:00Z"), 4);
    expect(iso(runs)).toEqual([
      "2026-03-28T08:00:00.000Z",
      "2026-03-29T07:00:00.000Z",
      "2026-03-30T07:00:00.000Z",
      "2026-03-31T07:00:00.000Z",
    ]);
  });

  it("keep an hourly Berlin schedule on every real hour through both DST changes", () => {
    const spring = nextOccurrences("0 * * * *", "Europe/Berlin", new Date("2026-03-28T23:30:00Z"), 4);
    expect(iso(spring)).toEqual([
      "2026-03-29T00:00:00.000Z",
      "2026-03-29T01:00:00.000Z",
      "2026-03-29T02:00:00.000Z",
      "2026-03-29T03:00:00.000Z",
    ]);
    const autumn = nextOccurrences("0 * * * *", "Europe/Berlin", new Date("2026-10-24T23:30:00Z"), 4);
    expect(iso(autumn)).toEqual([
      "2026-10-25T00:00:00.000Z",
      "2026-10-25T01:00:00.000Z",
      "2026-10-25T02:00:00.000Z",
      "2026-10-25T03:00:00.000Z",
    ]);
  });

  it("run a daily 02:30 New York job once on the spring-forward day, moved to 03:30 EDT (not skipped)", () => {
    // 2026-03-08: 02:00 EST jumps to 03:00 EDT, so 02:30 does not exist that day.
    const runs = nextOccurrences("30 2 * * *", "America/New_York", new Date("2026-03-07T12:00:00Z"), 3);
    expect(iso(runs)).toEqual([
      "2026-03-08T07:30:00.000Z", // 03:30 EDT
      "2026-03-09T06:30:00.000Z", // 02:30 EDT
      "2026-03-10T06:30:00.000Z",
    ]);
  });

  it("run a daily 01:30 New York job exactly once on the fall-back day, at the first 01:30 (EDT)", () => {
    // 2026-11-01: 02:00 EDT falls back to 01:00 EST, so 01:30 happens twice.
    const runs = nextOccurrences("30 1 * * *", "America/New_York", new Date("2026-10-31T12:00:00Z"), 3);
    expect(iso(runs)).toEqual([
      "2026-11-01T05:30:00.000Z", // 01:30 EDT
      "2026-11-02T06:30:00.000Z", // 01:30 EST, next day
      "2026-11-03T06:30:00.000Z",
    ]);
    // A tick that already handled the first 01:30 does not find the second one.
    const plan = dueOccurrences({
      cron: "30 1 * * *",
      timeZone: "America/New_York",
      nextOccurrenceAt: new Date("2026-11-01T05:30:00.001Z"),
      now: new Date("2026-11-01T06:30:10Z"),
      policy: "all",
      cap: 10,
    });
    expect(plan.run).toEqual([]);
    expect(plan.nextOccurrenceAt?.toISOString()).toBe("2026-11-02T06:30:00.000Z");
  });
});

describe("due occurrences", () => {
  const hourly = { cron: "0 * * * *", timeZone: "UTC" } as const;
  // The worker was down from 03:30 to 09:00:20: 04:00 … 08:00 were missed, 09:00 is on time.
  const outage = { ...hourly, nextOccurrenceAt: new Date("2026-05-04T04:00:00Z"), cap: 3 };
  const onTime = new Date("2026-05-04T09:00:20Z");
  const late = new Date("2026-05-04T09:20:00Z");

  it("runs only the on-time occurrence and records the missed ones as skipped under skip", () => {
    const plan = dueOccurrences({ ...outage, now: onTime, policy: "skip" });
    expect(plan.run).toEqual([{ at: new Date("2026-05-04T09:00:00Z"), source: "schedule" }]);
    expect(iso(plan.skipped)).toEqual([
      "2026-05-04T04:00:00.000Z",
      "2026-05-04T05:00:00.000Z",
      "2026-05-04T06:00:00.000Z",
      "2026-05-04T07:00:00.000Z",
      "2026-05-04T08:00:00.000Z",
    ]);
    expect(plan.lastOccurrenceAt?.toISOString()).toBe("2026-05-04T09:00:00.000Z");
    expect(plan.nextOccurrenceAt?.toISOString()).toBe("2026-05-04T10:00:00.000Z");
  });

  it("runs nothing when every due occurrence is late under skip", () => {
    const plan = dueOccurrences({ ...outage, now: late, policy: "skip" });
    expect(plan.run).toEqual([]);
    expect(plan.skipped).toHaveLength(6);
  });

  it("runs the most recent missed occurrence as a catch-up under once, and only that one", () => {
    const plan = dueOccurrences({ ...outage, now: late, policy: "once" });
    expect(plan.run).toEqual([{ at: new Date("2026-05-04T09:00:00Z"), source: "catch_up" }]);
    expect(plan.skipped).toHaveLength(5);
    // With an on-time occurrence, that run covers the outage: once behaves like skip.
    const covered = dueOccurrences({ ...outage, now: onTime, policy: "once" });
    expect(covered.run).toEqual([{ at: new Date("2026-05-04T09:00:00Z"), source: "schedule" }]);
    expect(covered.skipped).toHaveLength(5);
  });

  it("runs the newest missed occurrences up to the cap under all, oldest first, and skips the older ones", () => {
    const plan = dueOccurrences({ ...outage, now: onTime, policy: "all" });
    expect(plan.run).toEqual([
      { at: new Date("2026-05-04T06:00:00Z"), source: "catch_up" },
      { at: new Date("2026-05-04T07:00:00Z"), source: "catch_up" },
      { at: new Date("2026-05-04T08:00:00Z"), source: "catch_up" },
      { at: new Date("2026-05-04T09:00:00Z"), source: "schedule" },
    ]);
    expect(iso(plan.skipped)).toEqual(["2026-05-04T04:00:00.000Z", "2026-05-04T05:00:00.000Z"]);
    expect(plan.moreSkipped).toBe(false);
  });

  it("treats a never-evaluated schedule as having missed nothing", () => {
    const plan = dueOccurrences({
      cron: "* * * * *",
      timeZone: "UTC",
      nextOccurrenceAt: null,
      now: new Date("2026-05-04T09:00:05Z"),
      policy: "all",
      cap: 10,
    });
    expect(plan.run).toEqual([{ at: new Date("2026-05-04T09:00:00Z"), source: "schedule" }]);
    expect(plan.skipped).toEqual([]);
  });

  it("bounds the work and the ledger after a week-long outage of a minutely schedule", () => {
    const started = performance.now();
    const plan = dueOccurrences({
      cron: "* * * * *",
      timeZone: "Europe/Berlin",
      nextOccurrenceAt: new Date("2026-04-27T09:00:00Z"),
      now: new Date("2026-05-04T09:00:05Z"),
      policy: "all",
      cap: 5,
    });
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(iso(plan.run.map((run) => run.at))).toEqual([
      "2026-05-04T08:55:00.000Z",
      "2026-05-04T08:56:00.000Z",
      "2026-05-04T08:57:00.000Z",
      "2026-05-04T08:58:00.000Z",
      "2026-05-04T08:59:00.000Z",
      "2026-05-04T09:00:00.000Z",
    ]);
    expect(plan.skipped).toHaveLength(skippedLedgerLimit);
    expect(plan.skipped.at(-1)?.toISOString()).toBe("2026-05-04T08:54:00.000Z");
    expect(plan.moreSkipped).toBe(true);
  });

  it("finds nothing due before the cursor", () => {
    const plan = dueOccurrences({
      ...hourly,
      nextOccurrenceAt: new Date("2026-05-04T10:00:00Z"),
      now: new Date("2026-05-04T09:30:00Z"),
      policy: "all",
      cap: 10,
    });
    expect(plan).toMatchObject({ run: [], skipped: [], lastOccurrenceAt: null });
    expect(plan.nextOccurrenceAt?.toISOString()).toBe("2026-05-04T10:00:00.000Z");
  });
});

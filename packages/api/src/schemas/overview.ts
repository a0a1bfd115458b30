import { z } from "zod";
import { oneOf, wholeNumber } from "./fields.ts";

/** The Overview's window: the hourly chart and its run counts. (Default: "24h") */
export const overviewRanges = ["1h", "24h", "7d", "30d"] as const;
export type OverviewRange = (typeof overviewRanges)[number];
/**
 * Hourly buckets each range reads, the current one included. "1h" reads two (this hour and the
 * last), so it always covers the last 60 minutes, also a few minutes past the hour.
 */
export const overviewRangeHours: Record<OverviewRange, number> = {
  "1h": 2,
  "24h": 24,
  "7d": 168,
  "30d": 720,
};

export const overviewSummarySchema = z.object({ range: oneOf(overviewRanges).optional() });

/** The latest failed runs (`overview.recentFailures`). (Default: 10) */
export const recentFailuresSchema = z.object({ limit: wholeNumber({ min: 1, max: 50 }).optional() });

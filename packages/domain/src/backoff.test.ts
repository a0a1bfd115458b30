import { describe, expect, it } from "vitest";
import { nextSyncDelayMs } from "./backoff.ts";
import { tierIntervalMs } from "./tiers.ts";

describe("next sync delay", () => {
  it("is the tier interval after a success", () => {
    expect(nextSyncDelayMs({ intervalMs: tierIntervalMs.pro, consecutiveFailures: 0 })).toBe(3_600_000);
  });

  it("doubles with each failure and never exceeds the interval", () => {
    const delays = [1, 2, 3, 10].map((failures) =>
      nextSyncDelayMs({ intervalMs: tierIntervalMs.enterprise, consecutiveFailures: failures }),
    );
    expect(delays).toEqual([60_000, 120_000, 240_000, 1_800_000]);
  });
});

describe("sync jitter", () => {
  it("spreads next syncs by at most 2 % of the interval, capped at a minute", async () => {
    const { syncJitterMs } = await import("./tiers.ts");
    expect(syncJitterMs(tierIntervalMs.enterprise, () => 0.999)).toBe(35_964);
    expect(syncJitterMs(tierIntervalMs.free, () => 0.999)).toBe(59_940);
    expect(syncJitterMs(tierIntervalMs.pro, () => 0)).toBe(0);
  });
});

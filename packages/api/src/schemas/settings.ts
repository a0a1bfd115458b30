import { z } from "zod";
import { requiredText, wholeNumber } from "./fields.ts";

/** A pool's pacing and concurrency form (`rateLimits.updateProvider`). */
export const providerSettingsSchema = z.object({
  provider: requiredText("Pick a provider", 100),
  minIntervalMs: wholeNumber({ min: 0, max: 3_600_000, what: "Enter the pacing in milliseconds" }),
  hourlyCap: wholeNumber({ min: 1, max: 1_000_000, what: "Enter the hourly cap" }),
  maxConcurrency: wholeNumber({ min: 1, max: 100, what: "Enter how many syncs may run at once" }),
});

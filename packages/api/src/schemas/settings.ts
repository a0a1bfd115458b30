import { z } from "zod";
import { requiredText, wholeNumber } from "./fields.ts";

/** A pool's pacing and concurrency form (`rateLimits.updateProvider`). */
export const providerSettingsSchema = z.object({
  provider: requiredText("Pick a provider", 100),
  minIntervalMs: wholeNumber({
    min: 0,
    max: 3_600_000,
    what: "Enter the pacing in milliseconds",
    tooSmall: "Pacing cannot be negative",
  }),
  hourlyCap: wholeNumber({
    min: 1,
    max: 1_000_000,
    what: "Enter the hourly cap",
    tooSmall: "The hourly cap must be at least 1",
  }),
  maxConcurrency: wholeNumber({
    min: 1,
    max: 100,
    what: "Enter how many syncs may run at once",
    tooSmall: "At least one sync must be allowed at once",
  }),
});

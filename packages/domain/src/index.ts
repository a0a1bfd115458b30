export * from "./backoff.ts";
export * from "./durations.ts";
export * from "./fingerprint.ts";
export * from "./health.ts";
export * from "./retry.ts";
export * from "./schedules.ts";
export * from "./secretBox.ts";
export * from "./tiers.ts";

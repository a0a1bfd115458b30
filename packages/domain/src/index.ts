export * from "./backoff.ts";
export * from "./secretBox.ts";
export * from "./tiers.ts";

export * from "./catalog.ts";
export * from "./context.ts";
export * from "./tasks/credits.ts";
export * from "./tasks/quotas.ts";
export * from "./tasks/scheduleTick.ts";
export * from "./tasks/syncTarget.ts";
export * from "./tasks/syncTick.ts";

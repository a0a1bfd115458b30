export * from "./auth/apiTokens.ts";
export * from "./auth/loginThrottle.ts";
export * from "./auth/password.ts";
export * from "./auth/sessions.ts";
export type { ApiContext } from "./context.ts";
export * from "./health.ts";
export { type AppRouter, appRouter } from "./root.ts";
export { connectionFilterSchema, createConnectionSchema } from "./schemas/index.ts";

export * from "./client.ts";
export type * from "./generated.ts";
export * from "./migrate.ts";
export * from "./repositories/connections.ts";
export * from "./repositories/costs.ts";
export * from "./repositories/runs.ts";
export * from "./repositories/tenants.ts";
export * from "./repositories/users.ts";

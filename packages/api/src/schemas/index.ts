/**
 * The input schemas of the procedures an admin form submits, for the server and the admin alike
 * (React Hook Form's zodResolver): one definition, one set of human messages. Runtime-safe: zod and
 * constants only, no database, no node: modules (schemas.test.ts bundles it for the browser).
 */
export * from "./auth.ts";
export * from "./connections.ts";
export * from "./deadLetters.ts";
export * from "./fields.ts";
export * from "./overview.ts";
export * from "./quotas.ts";
export * from "./schedules.ts";
export * from "./settings.ts";
export * from "./tokens.ts";
export * from "./users.ts";

import type { RequestIdVariables } from "hono/request-id";
import type { Logger } from "pino";

/** What every request carries through the middleware: its id and a logger bound to it. */
export type ServerEnv = { Variables: RequestIdVariables & { log: Logger } };

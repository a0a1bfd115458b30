import { isDatabaseUnavailable } from "@synchub/db";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ServerEnv } from "./types.ts";

/**
 * The one error answer for every route outside tRPC (which has its own formatter with the same
 * rules): a message and the request id, never a stack or a driver's text. The cause goes to the
 * log under the same id.
 */
export function handleError(error: Error, c: Context<ServerEnv>): Response {
  const requestId = c.get("requestId");
  if (error instanceof HTTPException) return error.getResponse();
  if (isDatabaseUnavailable(error)) {
    c.get("log").warn({ err: error }, "database unavailable");
    return c.json({ error: "database unavailable", requestId }, 503);
  }
  c.get("log").error({ err: error }, "request failed");
  return c.json({ error: `Internal server error (request id ${requestId})`, requestId }, 500);
}

export function notFound(c: Context<ServerEnv>): Response {
  return c.json({ error: "Not found", requestId: c.get("requestId") }, 404);
}

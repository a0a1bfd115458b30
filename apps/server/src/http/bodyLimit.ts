import { bodyLimit } from "hono/body-limit";
import type { Context } from "hono";
import type { ServerEnv } from "./types.ts";

/** (Default: 1 MiB) */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * One limit on every request body, checked against Content-Length before anything is read and
 * counted while a chunked body streams in. An oversized request gets 413 and its connection is
 * closed, so the rest of the body is never read into memory.
 */
export function limitBodies(maxBytes: number) {
  return bodyLimit({
    maxSize: maxBytes,
    onError: (c: Context<ServerEnv>) => {
      c.header("Connection", "close");
      return c.json(
        { error: `Request body too large: at most ${maxBytes} bytes`, requestId: c.get("requestId") },
        413,
      );
    },
  });
}

import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { ServerEnv } from "./types.ts";

/** (Default: 1 MiB) */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * One limit on every request body, checked against Content-Length before anything is read and
 * counted while a chunked body streams in. An oversized request gets 413 with Connection: close;
 * @hono/node-server then discards what the client still sends (at most 500 ms or 64 MB) and
 * closes the socket, so the rest of the body is never held in memory.
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

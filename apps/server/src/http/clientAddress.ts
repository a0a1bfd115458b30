import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context } from "hono";

/**
 * The caller's address: the socket's peer, or, behind a proxy that the deployment says it trusts,
 * the last address that proxy appended to X-Forwarded-For (earlier entries are the client's own
 * claims and can be forged).
 */
export function clientAddress(c: Context, trustProxy: boolean): string | null {
  if (trustProxy) {
    const forwarded = c.req
      .header("x-forwarded-for")
      ?.split(",")
      .map((part) => part.trim())
      .filter(Boolean);
    const last = forwarded?.at(-1);
    if (last) return last.slice(0, 100);
  }
  return getConnInfo(c).remote.address ?? null;
}

import { trpcServer } from "@hono/trpc-server";
import {
  type ApiContext,
  appRouter,
  bearerToken,
  type LoginThrottle,
  SESSION_COOKIE,
  userForApiToken,
  userForSessionToken,
} from "@synchub/api";
import { type Database, isDatabaseUnavailable } from "@synchub/db";
import type { SecretBox } from "@synchub/domain";
import { parse as parseCookies, serialize as serializeCookie } from "cookie";
import type { Context } from "hono";
import type { Logger } from "pino";
import { clientAddress } from "./clientAddress.ts";
import type { originPolicy } from "./origin.ts";
import type { ServerEnv } from "./types.ts";

export interface TrpcRouteOptions {
  db: Database;
  secrets: SecretBox;
  loginThrottle: LoginThrottle;
  secureCookies: boolean;
  trustProxy: boolean;
  logger: Logger;
  /** Which origins may send cookie-authenticated mutations. */
  origins: ReturnType<typeof originPolicy>;
}

/** The tRPC router at /trpc, with the caller resolved from an API token or the session cookie. */
export function trpcRoute(options: TrpcRouteOptions) {
  return trpcServer({
    router: appRouter,
    endpoint: "/trpc",
    // The adapter's type wants a plain record; ApiContext is one in all but its index signature.
    createContext: async (
      { req, resHeaders },
      c: Context<ServerEnv>,
    ): Promise<ApiContext & Record<string, unknown>> => {
      // Machine clients send an API token instead of a cookie; a bad one is no user (401), never
      // a fallback to the cookie, and such a request never gets a cookie either.
      const apiToken = bearerToken(req.headers.get("authorization") ?? undefined);
      const token = apiToken ? null : (parseCookies(req.headers.get("cookie") ?? "")[SESSION_COOKIE] ?? null);
      let user: ApiContext["user"] = null;
      let failure: unknown;
      try {
        user = apiToken
          ? ((await userForApiToken(options.db, apiToken)) ?? null)
          : token
            ? ((await userForSessionToken(options.db, token)) ?? null)
            : null;
      } catch (error) {
        failure = error;
      }
      const cookie = (value: string, expires: Date) =>
        serializeCookie(SESSION_COOKIE, value, {
          httpOnly: true,
          sameSite: "lax",
          secure: options.secureCookies,
          path: "/",
          expires,
        });
      return {
        db: options.db,
        secrets: options.secrets,
        user,
        failure,
        credential: apiToken ? "api-token" : token ? "session" : "none",
        // Only the cookie rides along on a forged request; a token is sent on purpose.
        crossSiteOrigin: token ? (options.origins(req.headers, req.url)?.refused ?? null) : null,
        requestId: c.get("requestId"),
        clientAddress: clientAddress(c, options.trustProxy),
        loginThrottle: options.loginThrottle,
        setHeader: (name, value) => resHeaders.set(name, value),
        session: {
          token,
          set: (value, expiresAt) => {
            if (!apiToken) resHeaders.append("Set-Cookie", cookie(value, expiresAt));
          },
          clear: () => resHeaders.append("Set-Cookie", cookie("", new Date(0))),
        },
      };
    },
    // The answer says only "database unavailable" or "internal error" and the request id; the
    // cause, with its stack, is logged under that id.
    onError: ({ error, path, ctx }) => {
      const requestId = (ctx as ApiContext | undefined)?.requestId;
      if (isDatabaseUnavailable(error.cause)) {
        options.logger.warn({ err: error.cause, path, requestId }, "database unavailable");
      } else if (error.code === "INTERNAL_SERVER_ERROR") {
        options.logger.error({ err: error.cause ?? error, path, requestId }, "procedure failed");
      }
    },
  });
}

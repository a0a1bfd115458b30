import { existsSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import {
  type ApiContext,
  appRouter,
  bearerToken,
  ensureAdminUser,
  SESSION_COOKIE,
  userForApiToken,
  userForSessionToken,
} from "@synchub/api";
import { createDb, createPool, type Database } from "@synchub/db";
import { createSecretBox } from "@synchub/domain";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { parse as parseCookies, serialize as serializeCookie } from "cookie";
import { sql } from "kysely";
import sirv from "sirv";
import { assertCronSecret, createCronRoutes } from "./ingress/cronRoutes.ts";
import { syncHealth } from "./observability/health.ts";
import { createMetrics } from "./observability/metrics.ts";

export interface StartServerOptions {
  connectionString: string;
  encryptionKey: string;
  admin: { username: string; password: string };
  /** (Default: 127.0.0.1) */
  host?: string;
  /** 0 picks a free port. (Default: 3000) */
  port?: number;
  /** Built admin to serve at /; skipped when the folder does not exist. (Default: none) */
  adminDist?: string;
  /** Set the Secure flag on the session cookie. (Default: false) */
  secureCookies?: boolean;
  /** Bearer secret for /api/jobs/* (external schedulers), at least 16 characters. (Default: none, routes answer 503) */
  cronSecret?: string;
  /** Upstash QStash signing keys for signed deliveries to /api/jobs/*. (Default: none) */
  qstash?: { currentSigningKey: string; nextSigningKey?: string };
}

export interface RunningServer {
  url: string;
  db: Database;
  close(): Promise<void>;
}

export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  assertCronSecret(options.cronSecret);
  const pool = createPool({ connectionString: options.connectionString, applicationName: "synchub-server" });
  const db = createDb(pool);
  const secrets = createSecretBox(options.encryptionKey);
  await ensureAdminUser(db, options.admin.username, options.admin.password);

  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: "/trpc/",
    createContext: async ({ req, res }): Promise<ApiContext> => {
      // Machine clients send an API token instead of a cookie; a bad one is no user (401), never
      // a fallback to the cookie, and such a request never gets a cookie either.
      const apiToken = bearerToken(req.headers.authorization);
      const token = apiToken ? null : (parseCookies(req.headers.cookie ?? "")[SESSION_COOKIE] ?? null);
      const user = apiToken
        ? ((await userForApiToken(db, apiToken)) ?? null)
        : token
          ? ((await userForSessionToken(db, token)) ?? null)
          : null;
      const cookie = (value: string, expires: Date) =>
        serializeCookie(SESSION_COOKIE, value, {
          httpOnly: true,
          sameSite: "lax",
          secure: options.secureCookies ?? false,
          path: "/",
          expires,
        });
      return {
        db,
        secrets,
        user,
        credential: apiToken ? "api-token" : token ? "session" : "none",
        session: {
          token,
          set: (value, expiresAt) => {
            if (!apiToken) res.appendHeader("Set-Cookie", cookie(value, expiresAt));
          },
          clear: () => res.appendHeader("Set-Cookie", cookie("", new Date(0))),
        },
      };
    },
  });

  const admin =
    options.adminDist && existsSync(options.adminDist)
      ? sirv(options.adminDist, { single: true, etag: true, gzip: true })
      : undefined;

  const metrics = createMetrics(db);
  const cronRoutes = createCronRoutes({ db, cronSecret: options.cronSecret, qstash: options.qstash });
  const server = http.createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    if (path.startsWith("/trpc/")) return void trpc(req, res);
    if (cronRoutes(req, res, path)) return;
    if (path === "/healthz") return void healthz(db, res);
    if (path === "/health/sync") return void healthSync(db, res);
    if (path === "/metrics") return void renderMetrics(metrics, res);
    if (admin) return admin(req, res, () => notFound(res));
    notFound(res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 3000, options.host ?? "127.0.0.1", resolve);
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${address.address}:${address.port}`,
    db,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await db.destroy();
    },
  };
}

async function healthz(db: Database, res: http.ServerResponse): Promise<void> {
  try {
    await sql`select 1`.execute(db);
    json(res, 200, { ok: true });
  } catch {
    json(res, 503, { ok: false, error: "database unreachable" });
  }
}

async function healthSync(db: Database, res: http.ServerResponse): Promise<void> {
  try {
    const report = await syncHealth(db);
    // Critical answers 503 so a load balancer or uptime check needs no JSON parsing.
    json(res, report.status === "Critical" ? 503 : 200, report);
  } catch {
    json(res, 503, { status: "Critical", error: "database unreachable" });
  }
}

async function renderMetrics(
  metrics: ReturnType<typeof createMetrics>,
  res: http.ServerResponse,
): Promise<void> {
  try {
    const body = await metrics.render();
    res.writeHead(200, { "content-type": metrics.registry.contentType }).end(body);
  } catch (error) {
    res.writeHead(503, { "content-type": "text/plain" }).end(`metrics unavailable: ${String(error)}\n`);
  }
}

function notFound(res: http.ServerResponse): void {
  json(res, 404, { error: "Not found" });
}

function json(res: http.ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

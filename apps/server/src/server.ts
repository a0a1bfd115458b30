import { existsSync } from "node:fs";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { serve } from "@hono/node-server";
import { serveStatic } from "@hono/node-server/serve-static";
import { createLoginThrottle, ensureAdminUser, syncHealth } from "@synchub/api";
import { createDb, createPool, type Database, resealUnboundCredentials } from "@synchub/db";
import { createSecretBox } from "@synchub/domain";
import { Hono } from "hono";
import { requestId } from "hono/request-id";
import { sql } from "kysely";
import pino, { type Logger } from "pino";
import { DEFAULT_MAX_BODY_BYTES, limitBodies } from "./http/bodyLimit.ts";
import { handleError, notFound } from "./http/errors.ts";
import { originPolicy } from "./http/origin.ts";
import { trpcRoute } from "./http/trpc.ts";
import type { ServerEnv } from "./http/types.ts";
import { assertCronSecret, cronRoutes } from "./ingress/cronRoutes.ts";
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
  /**
   * Where browsers and QStash reach this server (https://synchub.example.com): QStash tokens are
   * checked against it and cookie-authenticated changes must come from its origin. (Default: none:
   * QStash deliveries answer 503, and changes must come from the origin they were addressed to)
   */
  publicUrl?: string;
  /** More origins allowed to send cookie-authenticated changes, e.g. the Vite dev server's. (Default: none) */
  trustedOrigins?: string[];
  /** Largest request body on any route, in bytes. (Default: 1 MiB) */
  maxBodyBytes?: number;
  /** Take the client address from X-Forwarded-For's last entry (behind a trusted proxy). (Default: false) */
  trustProxy?: boolean;
  /** Failed logins that lock a username or address for 15 minutes. (Default: 10) */
  maxLoginFailures?: number;
  /** (Default: a pino logger at LOG_LEVEL or info) */
  logger?: Logger;
}

export interface RunningServer {
  url: string;
  db: Database;
  close(): Promise<void>;
}

export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  assertCronSecret(options.cronSecret);
  const logger =
    options.logger ?? pino({ level: process.env.LOG_LEVEL ?? "info", base: { service: "synchub-server" } });
  // A request must not hang on an unreachable database: it fails in seconds and answers 503.
  const pool = createPool({
    connectionString: options.connectionString,
    applicationName: "synchub-server",
    connectTimeoutMs: 5_000,
  });
  const db = createDb(pool);
  const secrets = createSecretBox(options.encryptionKey);
  await ensureAdminUser(db, options.admin.username, options.admin.password);
  // Credentials sealed before they were bound to their connection are sealed again (the worker
  // does the same at its start; whichever comes first does the work).
  const resealed = await resealUnboundCredentials(db, secrets);
  if (resealed > 0) logger.info({ resealed }, "re-sealed stored credentials bound to their connection");

  const app = new Hono<ServerEnv>();
  app.use(requestId());
  app.use(async (c, next) => {
    c.set("log", logger.child({ requestId: c.get("requestId") }));
    await next();
    // Handlers that build their own Response (tRPC) skip the header requestId() prepared.
    c.header("X-Request-Id", c.get("requestId"));
  });
  app.use(limitBodies(options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES));
  app.all(
    "/trpc/*",
    trpcRoute({
      db,
      secrets,
      loginThrottle: createLoginThrottle(pool, { maxFailures: options.maxLoginFailures }),
      secureCookies: options.secureCookies ?? false,
      trustProxy: options.trustProxy ?? false,
      logger,
      origins: originPolicy({
        trustedOrigins: [
          ...(options.publicUrl ? [options.publicUrl] : []),
          ...(options.trustedOrigins ?? []),
        ],
        trustRequestOrigin: !options.publicUrl,
      }),
    }),
  );
  app.route(
    "/api/jobs",
    cronRoutes({ db, cronSecret: options.cronSecret, qstash: options.qstash, publicUrl: options.publicUrl }),
  );
  app.get("/healthz", async (c) => {
    await sql`select 1`.execute(db);
    return c.json({ ok: true });
  });
  app.get("/health/sync", async (c) => {
    const report = await syncHealth(db);
    // Critical answers 503 so a load balancer or uptime check needs no JSON parsing.
    return c.json(report, report.status === "Critical" ? 503 : 200);
  });
  const metrics = createMetrics(db);
  app.get("/metrics", async (c) => {
    const body = await metrics.render();
    return c.body(body, 200, { "content-type": metrics.registry.contentType });
  });
  if (options.adminDist && existsSync(options.adminDist)) serveAdmin(app, options.adminDist);
  app.notFound(notFound);
  app.onError(handleError);

  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const started = serve(
      { fetch: app.fetch, port: options.port ?? 3000, hostname: options.host ?? "127.0.0.1" },
      () => resolve(started),
    );
    started.once("error", reject);
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${address.address}:${address.port}`,
    db,
    close: async () => {
      if ("closeAllConnections" in server) server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await db.destroy();
    },
  };
}

/**
 * The built admin: its files, and index.html for any other GET so client-side routes load. Source
 * maps are not served (production builds make none; an old build's would expose the source).
 */
function serveAdmin(app: Hono<ServerEnv>, dist: string): void {
  const root = path.resolve(dist);
  app.get("*", async (c, next) => {
    if (c.req.path.endsWith(".map")) return notFound(c);
    return next();
  });
  app.get("*", serveStatic({ root }));
  app.get("*", serveStatic({ root, path: "index.html" }));
}

/** Test support for the server's HTTP tests: a real server on a cloned database, and its callers. */
import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { generateApiToken } from "@synchub/api";
import { createTestDatabase, type TestDatabase } from "@synchub/db/testing";
import pino from "pino";
import { type RunningServer, type StartServerOptions, startServer } from "./server.ts";

export const testAdmin = { username: "admin", password: "correct horse battery" };

export interface TestServer {
  t: TestDatabase;
  server: RunningServer;
  /** JSON log lines the server wrote. */
  logs: Record<string, unknown>[];
  close(): Promise<void>;
}

export async function startTestServer(
  overrides: Partial<StartServerOptions> = {},
  database?: TestDatabase,
): Promise<TestServer> {
  const t = database ?? (await createTestDatabase());
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split("\n").filter(Boolean)) logs.push(JSON.parse(line));
      done();
    },
  });
  const server = await startServer({
    connectionString: t.url,
    encryptionKey: randomBytes(32).toString("base64"),
    admin: testAdmin,
    port: 0,
    logger: pino({ level: "info" }, sink),
    ...overrides,
  });
  return {
    t,
    server,
    logs,
    close: async () => {
      await server.close();
      if (!database) await t.drop();
    },
  };
}

/** An API token of `role`, inserted straight into the database. */
export async function insertApiToken(
  t: TestDatabase,
  role: "viewer" | "operator" | "admin",
): Promise<string> {
  const { token, tokenHash, prefix } = generateApiToken();
  await t.db
    .insertInto("api_tokens")
    .values({ name: `${role}-${prefix}`, token_hash: tokenHash, prefix, role, created_by: "test" })
    .execute();
  return token;
}

/** POSTs a tRPC mutation the way @trpc/client does (superjson envelope). */
export function mutate(baseUrl: string, path: string, input: unknown, headers: Record<string, string> = {}) {
  return fetch(`${baseUrl}/trpc/${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ json: input }),
  });
}

/** GETs a tRPC query. */
export function query(baseUrl: string, path: string, input: unknown, headers: Record<string, string> = {}) {
  const search = input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify({ json: input }))}`;
  return fetch(`${baseUrl}/trpc/${path}${search}`, { headers });
}

export interface TrpcErrorBody {
  error: {
    json: {
      message: string;
      code: number;
      data: {
        code: string;
        httpStatus: number;
        path: string | null;
        requestId: string | null;
        issues: { path: string; message: string }[] | null;
        stack?: string;
      };
    };
  };
}

/** Logs in as the test admin; answers the session cookie ("synchub_session=..."). */
export async function loginCookie(baseUrl: string): Promise<string> {
  const response = await mutate(baseUrl, "auth.login", testAdmin);
  if (response.status !== 200) throw new Error(`login answered ${response.status}`);
  return (response.headers.get("set-cookie") ?? "").split(";")[0]!;
}

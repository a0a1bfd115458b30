import { type ChildProcess, fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { ensureDatabase } from "./databases.ts";

export interface DevDatabase {
  url: string;
  /** Stops the embedded Postgres, if this script started one. */
  stop(): Promise<void>;
}

/**
 * DATABASE_URL when set; otherwise the embedded Postgres in .data/postgres, started in its own
 * detached process group so a Ctrl-C in the terminal does not stop it before the apps are done.
 */
export async function startDevDatabase(options: { dataDir: string; port: number }): Promise<DevDatabase> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, stop: async () => {} };

  const child = fork(fileURLToPath(new URL("./postgres-process.ts", import.meta.url)), [], {
    execArgv: ["--import", "tsx"],
    detached: true,
    env: { ...process.env, SYNCHUB_PG_DATA: options.dataDir, SYNCHUB_PG_PORT: String(options.port) },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const serverUrl = await new Promise<string>((resolve, reject) => {
    child.once("message", (message: { ready: boolean; url?: string; error?: string }) =>
      message.ready ? resolve(message.url!) : reject(new Error(message.error)),
    );
    child.once("exit", (code) => reject(new Error(`The embedded Postgres process exited (code ${code})`)));
  });

  return { url: await ensureDatabase(serverUrl, "synchub"), stop: () => stopChild(child) };
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.send("stop");
  });
}

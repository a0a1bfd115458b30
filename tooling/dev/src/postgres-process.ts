/**
 * The embedded Postgres of `pnpm dev`, in a process of its own so the worker and server can be
 * restarted freely and so dev.ts can stop it last, after they have released their jobs.
 * Reports readiness over IPC; stops Postgres when told to, or when its parent goes away.
 */
import { startEmbeddedPostgres } from "./postgres.ts";

const dataDir = process.env.SYNCHUB_PG_DATA;
const port = Number(process.env.SYNCHUB_PG_PORT);
if (!dataDir || !port || !process.send) {
  console.error("postgres-process.ts is started by tooling/dev/src/dev.ts");
  process.exit(2);
}

try {
  const postgres = await startEmbeddedPostgres({
    dataDir,
    port,
    onLog: (line) => {
      // The apps ask for the database before this task has created it: not worth a line.
      if (/FATAL|PANIC/.test(line) && !/database ".*" does not exist/.test(line)) {
        console.error(`[postgres] ${line}`);
      }
    },
  });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await postgres.stop();
    process.exit(0);
  };
  process.on("message", (message) => message === "stop" && void stop());
  process.on("disconnect", () => void stop());
  process.on("SIGTERM", () => void stop());
  // Ctrl-C reaches every process in the terminal's group; dev.ts decides when Postgres stops.
  process.on("SIGINT", () => {});
  process.send({ ready: true, url: postgres.url });
} catch (error) {
  process.send({ ready: false, error: error instanceof Error ? error.message : String(error) });
  process.exit(1);
}

/**
 * `pnpm db <command>`: the database of DATABASE_URL, or else the dev database of `pnpm dev`
 * (which must be running for these commands).
 *
 *   pnpm db migrate   apply the pending migrations (graphile-worker's schema, then db/migrations)
 *   pnpm db status    list the migrations, applied or pending
 *   pnpm db url       print the connection string (e.g. psql "$(pnpm -s db url)")
 */
import { readdir } from "node:fs/promises";
import { createDb, migrateToLatest, migrationsDir } from "@synchub/db";
import { sql } from "kysely";
import { devDatabaseUrl } from "./dev-settings.ts";

const usage = "usage: pnpm db <migrate|status|url>";

async function main(command: string | undefined): Promise<number> {
  const url = process.env.DATABASE_URL || devDatabaseUrl();
  if (command === "url") {
    console.log(url);
    return 0;
  }
  if (command !== "migrate" && command !== "status") {
    console.error(usage);
    return 2;
  }
  const db = createDb({ connectionString: url, maxConnections: 2, applicationName: "synchub-db-cli" });
  try {
    if (command === "migrate") {
      const { applied } = await migrateToLatest(db, url);
      console.log(applied.length === 0 ? "nothing to apply" : `applied: ${applied.join(", ")}`);
      return 0;
    }
    const files = (await readdir(migrationsDir)).filter((file) => /^\d{4}_.+\.sql$/.test(file)).sort();
    const { rows } = await sql<{ name: string; executed_at: string }>`
      select name, "timestamp" as executed_at from synchub.synchub_migrations`
      .execute(db)
      .catch((error: { code?: string }) => {
        // No migration table yet: nothing applied. Anything else (unreachable) is an error.
        if (error.code === "42P01") return { rows: [] as { name: string; executed_at: string }[] };
        throw error;
      });
    const applied = new Map(rows.map((row) => [row.name, row.executed_at]));
    for (const file of files) {
      const at = applied.get(file.slice(0, -4));
      console.log(`${at ? `applied ${at}` : "pending                          "}  ${file}`);
    }
    return 0;
  } finally {
    await db.destroy();
  }
}

main(process.argv[2]).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`pnpm db: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);

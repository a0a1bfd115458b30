/**
 * `node apps/worker/dist/migrate.js` (or `pnpm db migrate` in a checkout): brings DATABASE_URL's
 * schema up to date (graphile-worker's, then db/migrations) before new servers and workers start.
 * Safe to run from several machines at once: the migrations take a lock.
 */
import { createDb, migrateToLatest } from "@synchub/db";

const url = process.env.DATABASE_URL;
if (!url) {
  console.error("DATABASE_URL is required");
  process.exit(2);
}
const db = createDb({ connectionString: url, maxConnections: 2, applicationName: "synchub-migrate" });
try {
  const { applied } = await migrateToLatest(db, url);
  console.log(
    applied.length === 0
      ? "synchub migrate: nothing to apply"
      : `synchub migrate: applied ${applied.join(", ")}`,
  );
} finally {
  await db.destroy();
}

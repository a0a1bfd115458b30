import { waitForDatabase, withDevSettings } from "@synchub/dev/settings";
import { readEnv } from "./env.ts";
import { startServer } from "./server.ts";

// Under `pnpm dev` (turbo) without DATABASE_URL: the dev database and secrets. Elsewhere: the
// environment as given.
const env = readEnv(await withDevSettings(process.env, { app: "synchub server" }));
await waitForDatabase(env.DATABASE_URL, { app: "synchub server" });
const server = await startServer({
  connectionString: env.DATABASE_URL,
  encryptionKey: env.SYNCHUB_ENCRYPTION_KEY,
  admin: { username: env.ADMIN_USERNAME, password: env.ADMIN_PASSWORD },
  host: env.SYNCHUB_SERVER_HOST,
  port: env.SYNCHUB_SERVER_PORT,
  adminDist: env.SYNCHUB_ADMIN_DIST,
  secureCookies: env.SYNCHUB_SECURE_COOKIES,
  cronSecret: env.CRON_SECRET,
  qstash: env.QSTASH_CURRENT_SIGNING_KEY
    ? { currentSigningKey: env.QSTASH_CURRENT_SIGNING_KEY, nextSigningKey: env.QSTASH_NEXT_SIGNING_KEY }
    : undefined,
  publicUrl: env.SYNCHUB_PUBLIC_URL,
  trustedOrigins: env.SYNCHUB_TRUSTED_ORIGINS,
  maxBodyBytes: env.SYNCHUB_MAX_BODY_BYTES,
  trustProxy: env.SYNCHUB_TRUST_PROXY,
});
console.log(`synchub server listening on ${server.url}`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void server.close().then(() => process.exit(0));
  });
}

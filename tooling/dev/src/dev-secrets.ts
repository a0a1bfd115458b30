import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

export interface DevSecrets {
  encryptionKey: string;
  adminPassword: string;
  /** For external-scheduler calls to /api/jobs/* in development. */
  cronSecret: string;
}

/**
 * Secrets for local development, generated once and kept in .data/dev-secrets.json (git-ignored)
 * so the credentials sealed in the dev database stay readable across restarts.
 * Environment variables win when set.
 */
export function loadDevSecrets(dataDir: string): DevSecrets {
  const file = path.join(dataDir, "dev-secrets.json");
  let stored: Partial<DevSecrets> = {};
  if (existsSync(file)) stored = JSON.parse(readFileSync(file, "utf8")) as Partial<DevSecrets>;
  const secrets: DevSecrets = {
    encryptionKey: stored.encryptionKey ?? randomBytes(32).toString("base64"),
    adminPassword: stored.adminPassword ?? randomBytes(12).toString("base64url"),
    cronSecret: stored.cronSecret ?? randomBytes(24).toString("base64url"),
  };
  if (
    stored.encryptionKey !== secrets.encryptionKey ||
    stored.adminPassword !== secrets.adminPassword ||
    stored.cronSecret !== secrets.cronSecret
  ) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  }
  return {
    encryptionKey: process.env.SYNCHUB_ENCRYPTION_KEY ?? secrets.encryptionKey,
    adminPassword: process.env.ADMIN_PASSWORD ?? secrets.adminPassword,
    cronSecret: process.env.CRON_SECRET ?? secrets.cronSecret,
  };
}

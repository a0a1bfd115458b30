import { fileURLToPath } from "node:url";
import { z } from "zod";

// An empty variable (`CRON_SECRET=` in a .env file) means unset, not an empty secret.
function optionalString<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === "" ? undefined : value), schema.optional());
}

const envSchema = z.object({
  DATABASE_URL: z.string().min(1, "DATABASE_URL is required (pnpm dev sets it for the embedded Postgres)"),
  SYNCHUB_ENCRYPTION_KEY: z.string().min(1, "SYNCHUB_ENCRYPTION_KEY is required: 32 bytes, base64 or hex"),
  ADMIN_USERNAME: z.string().trim().min(1).default("admin"),
  ADMIN_PASSWORD: z.string().min(8, "ADMIN_PASSWORD must be at least 8 characters"),
  SYNCHUB_SERVER_HOST: z.string().default("127.0.0.1"),
  SYNCHUB_SERVER_PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
  /** Folder of the built admin; served at / when it exists. */
  SYNCHUB_ADMIN_DIST: z.string().default(fileURLToPath(new URL("../../admin/dist", import.meta.url))),
  /** Mark the session cookie Secure; on by default in production (behind TLS). */
  SYNCHUB_SECURE_COOKIES: z
    .enum(["true", "false"])
    .optional()
    .transform((value) => (value === undefined ? process.env.NODE_ENV === "production" : value === "true")),
  /** Bearer secret for external schedulers at /api/jobs/*; without it those routes answer 503. */
  CRON_SECRET: optionalString(
    z.string().min(16, "CRON_SECRET must be at least 16 characters (try `openssl rand -hex 32`)"),
  ),
  /** Upstash QStash signing keys (console: QStash > Signing keys); both rotate, both are accepted. */
  QSTASH_CURRENT_SIGNING_KEY: optionalString(z.string()),
  QSTASH_NEXT_SIGNING_KEY: optionalString(z.string()),
  /**
   * Where browsers and QStash reach the server, scheme and host (and port), no path. QStash tokens
   * are checked against it; cookie-authenticated changes must come from its origin.
   */
  SYNCHUB_PUBLIC_URL: optionalString(
    z.url({
      protocol: /^https?$/,
      error: "SYNCHUB_PUBLIC_URL must be an http(s) URL such as https://synchub.example.com",
    }),
  ),
  /** More origins allowed to send cookie-authenticated changes, comma-separated (pnpm dev: the Vite server). */
  SYNCHUB_TRUSTED_ORIGINS: optionalString(z.string())
    .transform((value) =>
      value
        ? value
            .split(",")
            .map((origin) => origin.trim())
            .filter(Boolean)
        : [],
    )
    .pipe(
      z.array(
        z.url({ protocol: /^https?$/, error: "each of SYNCHUB_TRUSTED_ORIGINS must be an http(s) origin" }),
      ),
    ),
  /** Largest request body accepted on any route. */
  SYNCHUB_MAX_BODY_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(100 * 1024 * 1024)
    .default(1024 * 1024),
  /** Behind a proxy that appends the client to X-Forwarded-For, trust its last entry. */
  SYNCHUB_TRUST_PROXY: z
    .enum(["true", "false"])
    .default("false")
    .transform((value) => value === "true"),
});

export type ServerEnv = z.infer<typeof envSchema>;

export function readEnv(source: NodeJS.ProcessEnv = process.env): ServerEnv {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new Error(`The server's environment is invalid:\n${problems.join("\n")}`);
  }
  return parsed.data;
}

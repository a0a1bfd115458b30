import { fileURLToPath } from "node:url";
import { z } from "zod";

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

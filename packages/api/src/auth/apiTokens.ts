import { randomBytes } from "node:crypto";
import { type Database, findActiveApiToken, touchApiToken } from "@synchub/db";
import { hashToken, type SessionUser } from "./sessions.ts";

/** Every API token starts with this, so secret scanners and people can recognise one. */
export const API_TOKEN_PREFIX = "shk_";

/** A new token: `shk_` and 32 random bytes in base64url. Only its hash and first 8 characters are kept. */
export function generateApiToken(): { token: string; tokenHash: string; prefix: string } {
  const token = `${API_TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
  return { token, tokenHash: hashToken(token), prefix: token.slice(0, 8) };
}

/**
 * The caller behind an `Authorization: Bearer shk_...` token, with the token's role, or undefined
 * for an unknown or revoked token. The lookup is by sha256, so no secret is compared in user time.
 */
export async function userForApiToken(db: Database, token: string): Promise<SessionUser | undefined> {
  if (!token.startsWith(API_TOKEN_PREFIX)) return undefined;
  const row = await findActiveApiToken(db, hashToken(token));
  if (!row) return undefined;
  // Skip the write when the stamp is fresh; the update re-checks, so racing requests stay cheap too.
  if (!row.last_used_at || Date.now() - row.last_used_at.getTime() > 60_000) {
    await touchApiToken(db, row.id);
  }
  return { id: row.id, username: `token:${row.name}`, role: row.role, procedures: row.procedures };
}

/** The token of an `Authorization: Bearer ...` header, or null. */
export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return match?.[1] ?? null;
}

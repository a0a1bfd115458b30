import { createHash, randomBytes } from "node:crypto";
import {
  createSession,
  type Database,
  deleteSession,
  findSessionUser,
  findUserByUsername,
  upsertUser,
} from "@synchub/db";
import { hashPassword, verifyPassword } from "./password.ts";

export const SESSION_COOKIE = "synchub_session";
/** How long a login lasts. (Default: 7 days) */
export const SESSION_TTL_MS = 7 * 24 * 3_600_000;

export type SessionUser = NonNullable<Awaited<ReturnType<typeof findSessionUser>>> & {
  /** An API token scoped to named procedures ("quotas.consume") may call only those. (Default: any) */
  procedures?: readonly string[] | null;
};

/** Only a hash of the cookie is stored, so the sessions table cannot be replayed as cookies. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("base64url");
}

// Compared against when the username is unknown, so a login takes as long either way.
const dummyHash = hashPassword("synchub-dummy-password");

export async function logIn(
  db: Database,
  username: string,
  password: string,
): Promise<{ token: string; expiresAt: Date; user: SessionUser } | null> {
  const user = await findUserByUsername(db, username);
  const ok = await verifyPassword(password, user?.password_hash ?? (await dummyHash));
  if (!user || !ok) return null;
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
  await createSession(db, { tokenHash: hashToken(token), userId: user.id, expiresAt });
  return { token, expiresAt, user: { id: user.id, username: user.username, role: user.role } };
}

export async function logOut(db: Database, token: string): Promise<void> {
  await deleteSession(db, hashToken(token));
}

export function userForSessionToken(db: Database, token: string): Promise<SessionUser | undefined> {
  return findSessionUser(db, hashToken(token));
}

/** Makes sure the configured admin account exists with the configured password. */
export async function ensureAdminUser(db: Database, username: string, password: string): Promise<void> {
  const existing = await findUserByUsername(db, username);
  if (existing && existing.role === "admin" && (await verifyPassword(password, existing.password_hash)))
    return;
  await upsertUser(db, { username, passwordHash: await hashPassword(password), role: "admin" });
}

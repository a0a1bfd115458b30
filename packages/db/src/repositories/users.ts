import { type Kysely, sql, type Transaction } from "kysely";
import type { DB } from "../generated.ts";

type Executor = Kysely<DB> | Transaction<DB>;
export type Role = "viewer" | "operator" | "admin";

/** Creates the user, or updates its password hash and role when it exists. */
export async function upsertUser(
  db: Executor,
  input: { username: string; passwordHash: string; role: Role },
): Promise<string> {
  const row = await db
    .insertInto("users")
    .values({ username: input.username, password_hash: input.passwordHash, role: input.role })
    .onConflict((oc) =>
      oc.column("username").doUpdateSet({ password_hash: input.passwordHash, role: input.role }),
    )
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

export function findUserByUsername(db: Executor, username: string) {
  return db.selectFrom("users").selectAll().where("username", "=", username).executeTakeFirst();
}

export async function createSession(
  db: Executor,
  input: { tokenHash: string; userId: string; expiresAt: Date },
): Promise<void> {
  await db
    .insertInto("sessions")
    .values({ token_hash: input.tokenHash, user_id: input.userId, expires_at: input.expiresAt })
    .execute();
}

/** The user behind a live session, or undefined for an unknown or expired one. */
export function findSessionUser(db: Executor, tokenHash: string) {
  return db
    .selectFrom("sessions")
    .innerJoin("users", "users.id", "sessions.user_id")
    .select(["users.id", "users.username", "users.role"])
    .where("sessions.token_hash", "=", tokenHash)
    .where("sessions.expires_at", ">", sql<Date>`now()`)
    .executeTakeFirst();
}

export async function deleteSession(db: Executor, tokenHash: string): Promise<void> {
  await db.deleteFrom("sessions").where("token_hash", "=", tokenHash).execute();
}

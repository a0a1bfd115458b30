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

/** Every account, without password hashes. */
export function listUsers(db: Executor) {
  return db
    .selectFrom("users")
    .select(["id", "username", "role", "created_at"])
    .orderBy("username")
    .execute();
}

/** Creates an account; undefined when the username is taken. */
export function insertUser(
  db: Executor,
  input: { id?: string; username: string; passwordHash: string; role: Role },
) {
  return db
    .insertInto("users")
    .values({ id: input.id, username: input.username, password_hash: input.passwordHash, role: input.role })
    .onConflict((oc) => oc.column("username").doNothing())
    .returning(["id", "username", "role", "created_at"])
    .executeTakeFirst();
}

export function findUserById(db: Executor, id: string) {
  return db
    .selectFrom("users")
    .select(["id", "username", "role", "created_at"])
    .where("id", "=", id)
    .executeTakeFirst();
}

/** Changes a role; returns the role before the change, or undefined for an unknown user. */
export async function setUserRole(db: Executor, id: string, role: Role) {
  const before = await db
    .selectFrom("users")
    .select(["username", "role"])
    .where("id", "=", id)
    .forUpdate()
    .executeTakeFirst();
  if (!before) return undefined;
  await db.updateTable("users").set({ role }).where("id", "=", id).execute();
  return { username: before.username, previousRole: before.role, role };
}

/** Deletes an account (its sessions go with it); undefined for an unknown user. */
export function deleteUser(db: Executor, id: string) {
  return db.deleteFrom("users").where("id", "=", id).returning(["id", "username", "role"]).executeTakeFirst();
}

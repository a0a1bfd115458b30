import { type Kysely, sql, type Transaction } from "kysely";
import type { DB } from "../generated.ts";
import type { Role } from "./users.ts";

type Executor = Kysely<DB> | Transaction<DB>;

/** Everything about a token except its hash: the list an admin sees. */
const publicColumns = [
  "id",
  "name",
  "prefix",
  "role",
  "procedures",
  "created_by",
  "created_at",
  "last_used_at",
  "revoked_at",
] as const;

export async function insertApiToken(
  db: Executor,
  input: {
    id?: string;
    name: string;
    tokenHash: string;
    prefix: string;
    role: Role;
    createdBy: string;
    /** The only procedures the token may call ("quotas.consume"); null or absent: all its role allows. */
    procedures?: string[] | null;
  },
) {
  return db
    .insertInto("api_tokens")
    .values({
      id: input.id,
      name: input.name,
      token_hash: input.tokenHash,
      prefix: input.prefix,
      role: input.role,
      procedures: input.procedures ?? null,
      created_by: input.createdBy,
    })
    .returning(publicColumns)
    .executeTakeFirstOrThrow();
}

/** Newest first, revoked ones included (they stay for the record); never the hash. */
export function listApiTokens(db: Executor) {
  return db.selectFrom("api_tokens").select(publicColumns).orderBy("created_at", "desc").execute();
}

/** Revokes a live token; undefined for an unknown or already revoked one. */
export function revokeApiToken(db: Executor, id: string) {
  return db
    .updateTable("api_tokens")
    .set({ revoked_at: sql<Date>`now()` })
    .where("id", "=", id)
    .where("revoked_at", "is", null)
    .returning(publicColumns)
    .executeTakeFirst();
}

/** The live token with this hash, or undefined for an unknown or revoked one. */
export function findActiveApiToken(db: Executor, tokenHash: string) {
  return db
    .selectFrom("api_tokens")
    .select(["id", "name", "role", "procedures", "last_used_at"])
    .where("token_hash", "=", tokenHash)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
}

/**
 * Stamps last_used_at at most once per `everyMs`, so a busy machine client costs one write a
 * minute rather than one per request. (Default: 60 000 ms)
 */
export async function touchApiToken(db: Executor, id: string, everyMs = 60_000): Promise<void> {
  await db
    .updateTable("api_tokens")
    .set({ last_used_at: sql<Date>`now()` })
    .where("id", "=", id)
    .where((eb) =>
      eb.or([
        eb("last_used_at", "is", null),
        eb("last_used_at", "<", sql<Date>`now() - make_interval(secs => ${everyMs / 1000})`),
      ]),
    )
    .execute();
}

import type { Kysely, Transaction } from "kysely";
import { sql } from "kysely";
import type { DB } from "../generated.ts";

type Executor = Kysely<DB> | Transaction<DB>;

/**
 * Records a QStash delivery's token id; false when it was accepted before (a replay). Tokens
 * past their expiry are forgotten on the way, since QStash refuses them by `exp` anyway.
 */
export async function acceptQstashDelivery(db: Executor, jti: string, expiresAt: Date): Promise<boolean> {
  await db.deleteFrom("qstash_deliveries").where("expires_at", "<", sql<Date>`now()`).execute();
  const inserted = await db
    .insertInto("qstash_deliveries")
    .values({ jti, expires_at: expiresAt })
    .onConflict((oc) => oc.column("jti").doNothing())
    .returning("jti")
    .executeTakeFirst();
  return inserted !== undefined;
}

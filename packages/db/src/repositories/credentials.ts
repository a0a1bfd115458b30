import type { SecretBox } from "@synchub/domain";
import { type Kysely, sql } from "kysely";
import type { DB } from "../generated.ts";

const BATCH = 500;

/**
 * Seals again, bound to their connection id, the credentials sealed before envelopes were bound
 * to their row (v1), so a ciphertext copied to another connection no longer opens there. The
 * server and the worker run it at start (it needs the key, which migrations do not have);
 * it is a no-op once every row is v2. Rows another process is re-sealing are skipped, and a row
 * that does not open with this key is left as it is (its sync fails with the key error).
 * Answers how many rows were re-sealed.
 */
export async function resealUnboundCredentials(db: Kysely<DB>, box: SecretBox): Promise<number> {
  const unopenable = new Set<string>();
  let resealed = 0;
  for (;;) {
    const batch = await db.transaction().execute(async (trx) => {
      const rows = await trx
        .selectFrom("connections")
        .select(["id", "credentials_encrypted"])
        .where("credentials_encrypted", "like", "v1.%")
        .$if(unopenable.size > 0, (query) => query.where("id", "not in", [...unopenable]))
        .orderBy("id")
        .limit(BATCH)
        .forUpdate()
        .skipLocked()
        .execute();
      const ids: string[] = [];
      const sealed: string[] = [];
      for (const row of rows) {
        try {
          sealed.push(box.seal(box.openUnbound(row.credentials_encrypted), row.id));
          ids.push(row.id);
        } catch {
          unopenable.add(row.id);
        }
      }
      if (ids.length > 0) {
        await sql`
          update synchub.connections c set credentials_encrypted = v.sealed
          from unnest(${ids}::uuid[], ${sealed}::text[]) as v(id, sealed)
          where c.id = v.id`.execute(trx);
      }
      return { found: rows.length, resealed: ids.length };
    });
    resealed += batch.resealed;
    if (batch.found < BATCH) return resealed;
  }
}

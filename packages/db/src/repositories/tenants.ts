import type { Kysely, Transaction } from "kysely";
import type { DB } from "../generated.ts";

type Executor = Kysely<DB> | Transaction<DB>;

export function listTenants(db: Executor) {
  return db.selectFrom("tenants").selectAll().orderBy("name").execute();
}

export function findTenant(db: Executor, id: string) {
  return db.selectFrom("tenants").selectAll().where("id", "=", id).executeTakeFirst();
}

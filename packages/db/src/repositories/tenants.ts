import { type Kysely, sql, type Transaction } from "kysely";
import type { DB } from "../generated.ts";
import { DEFAULT_PAGE_SIZE, type Keyset, keysetPage } from "./keyset.ts";

type Executor = Kysely<DB> | Transaction<DB>;

/** One page of tenants by name (then id), optionally those whose name contains `search`. */
export async function listTenants(
  db: Executor,
  filter: {
    /** Part of the name, case-insensitive. */
    search?: string;
    /** The previous page's last keyset: [name, id]. (Default: the first page) */
    after?: Keyset | null;
    /** Tenants per page. (Default: 50) */
    limit?: number;
  } = {},
) {
  const limit = filter.limit ?? DEFAULT_PAGE_SIZE;
  let query = db
    .selectFrom("tenants")
    .selectAll()
    .orderBy("name")
    .orderBy("id")
    .limit(limit + 1);
  if (filter.search) {
    query = query.where("name", "ilike", `%${filter.search.replace(/[\\%_]/g, "\\$&")}%`);
  }
  if (filter.after) {
    const [name, id] = filter.after;
    query = query.where(sql<boolean>`(tenants.name, tenants.id) > (${name}, ${id}::uuid)`);
  }
  const rows = await query.execute();
  return keysetPage(
    rows,
    limit,
    (row) => [row.name, row.id],
    (row) => row,
  );
}

export function findTenant(db: Executor, id: string) {
  return db.selectFrom("tenants").selectAll().where("id", "=", id).executeTakeFirst();
}

/**
 * Sets a tenant's tier; the tenants_apply_tier trigger gives its connections the tier's interval
 * and priority in the same statement. Returns the previous tier, or null for an unknown id.
 */
export async function setTenantTier(
  db: Executor,
  id: string,
  tier: "enterprise" | "pro" | "free",
): Promise<{ from: string } | null> {
  const row = await db
    .updateTable("tenants as t")
    .from("tenants as old")
    .set({ tier })
    .whereRef("old.id", "=", "t.id")
    .where("t.id", "=", id)
    .returning("old.tier as from")
    .executeTakeFirst();
  return row ?? null;
}

import { type Kysely, sql, type Transaction } from "kysely";
import type { DB } from "../generated.ts";
import { DEFAULT_PAGE_SIZE, exactTime, type Keyset, keysetPage } from "./keyset.ts";

type Executor = Kysely<DB> | Transaction<DB>;

export interface AuditEntry {
  actor: string;
  action: string;
  objectType: string;
  objectId: string | null;
  details?: Record<string, unknown>;
}

/** Records who did what to which object; call it in the same transaction as the change. */
export async function recordAudit(db: Executor, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await db
    .insertInto("audit_log")
    .values(
      entries.map((entry) => ({
        actor: entry.actor,
        action: entry.action,
        object_type: entry.objectType,
        object_id: entry.objectId,
        details: JSON.stringify(entry.details ?? {}),
      })),
    )
    .execute();
}

/** One page of the audit log, newest first (at, then id). */
export async function listAudit(
  db: Executor,
  filter: {
    objectType?: string;
    objectId?: string;
    actor?: string;
    /** An exact action, or a family when it ends with a dot ("auth." lists every login event). */
    action?: string;
    /** The previous page's last keyset: [at to the microsecond, id]. (Default: the first page) */
    after?: Keyset | null;
    /** Entries per page. (Default: 50) */
    limit?: number;
  } = {},
) {
  const limit = filter.limit ?? DEFAULT_PAGE_SIZE;
  let query = db
    .selectFrom("audit_log")
    .selectAll()
    .select(exactTime(sql`audit_log.at`).as("keyset_at"))
    .orderBy("at", "desc")
    .orderBy("id", "desc")
    .limit(limit + 1);
  if (filter.objectType) query = query.where("object_type", "=", filter.objectType);
  if (filter.objectId) query = query.where("object_id", "=", filter.objectId);
  if (filter.actor) query = query.where("actor", "=", filter.actor);
  if (filter.action?.endsWith(".")) {
    // Escaped so an underscore in an action name is not a LIKE wildcard.
    query = query.where("action", "like", `${filter.action.replace(/[\\%_]/g, "\\$&")}%`);
  } else if (filter.action) {
    query = query.where("action", "=", filter.action);
  }
  if (filter.after) {
    const [at, id] = filter.after;
    query = query.where(sql<boolean>`(audit_log.at, audit_log.id) < (${at}::timestamptz, ${id}::bigint)`);
  }
  const rows = await query.execute();
  return keysetPage(
    rows,
    limit,
    (row) => [row.keyset_at, row.id],
    ({ keyset_at: _, ...entry }) => entry,
  );
}

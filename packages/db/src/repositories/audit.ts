import type { Kysely, Transaction } from "kysely";
import type { DB } from "../generated.ts";

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

export function listAudit(
  db: Executor,
  filter: {
    objectType?: string;
    objectId?: string;
    actor?: string;
    /** An exact action, or a family when it ends with a dot ("auth." lists every login event). */
    action?: string;
    limit?: number;
  } = {},
) {
  let query = db
    .selectFrom("audit_log")
    .selectAll()
    .orderBy("at", "desc")
    .orderBy("id", "desc")
    .limit(filter.limit ?? 200);
  if (filter.objectType) query = query.where("object_type", "=", filter.objectType);
  if (filter.objectId) query = query.where("object_id", "=", filter.objectId);
  if (filter.actor) query = query.where("actor", "=", filter.actor);
  if (filter.action?.endsWith(".")) {
    // Escaped so an underscore in an action name is not a LIKE wildcard.
    query = query.where("action", "like", `${filter.action.replace(/[\\%_]/g, "\\$&")}%`);
  } else if (filter.action) {
    query = query.where("action", "=", filter.action);
  }
  return query.execute();
}

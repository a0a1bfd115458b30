import { type Kysely, sql, type Transaction } from "kysely";
import type { DB } from "../generated.ts";

type Executor = Kysely<DB> | Transaction<DB>;

/** Every column an API caller may see: the encrypted credentials never leave the database layer. */
const publicColumns = [
  "connections.id",
  "connections.tenant_id",
  "connections.provider",
  "connections.name",
  "connections.base_url",
  "connections.status",
  "connections.paused_reason",
  "connections.sync_status",
  "connections.sync_error",
  "connections.last_synced_at",
  "connections.next_sync_at",
  "connections.consecutive_failures",
  "connections.sync_error_class",
  "connections.auth_failures",
  "connections.pacing_min_interval_ms",
  "connections.pacing_hourly_cap",
  "connections.created_at",
  "connections.updated_at",
] as const;

export interface ConnectionFilter {
  status?: "active" | "paused";
  syncStatus?: "pending" | "running" | "ok" | "failed";
  provider?: string;
  tier?: "enterprise" | "pro" | "free";
  tenantId?: string;
  /** Matches tenant or connection name, case-insensitive. */
  search?: string;
  /** Only active connections overdue by more than their own interval (what /health/sync calls late). */
  late?: boolean;
  limit?: number;
}

export function listConnections(db: Executor, filter: ConnectionFilter = {}) {
  let query = db
    .selectFrom("connections")
    .innerJoin("tenants", "tenants.id", "connections.tenant_id")
    .select([...publicColumns, "tenants.name as tenant_name", "tenants.tier"])
    .orderBy("tenants.name")
    .orderBy("connections.name")
    .limit(filter.limit ?? 500);
  if (filter.status) query = query.where("connections.status", "=", filter.status);
  if (filter.syncStatus) query = query.where("connections.sync_status", "=", filter.syncStatus);
  if (filter.provider) query = query.where("connections.provider", "=", filter.provider);
  if (filter.tenantId) query = query.where("connections.tenant_id", "=", filter.tenantId);
  if (filter.tier) query = query.where("tenants.tier", "=", filter.tier);
  if (filter.late) {
    query = query
      .where("connections.status", "=", "active")
      .where(sql<boolean>`now() - connections.next_sync_at > synchub.tier_interval(tenants.tier)`);
  }
  if (filter.search) {
    const pattern = `%${filter.search.replace(/[\\%_]/g, "\\$&")}%`;
    query = query.where((eb) =>
      eb.or([eb("connections.name", "ilike", pattern), eb("tenants.name", "ilike", pattern)]),
    );
  }
  return query.execute();
}

export type ConnectionView = Awaited<ReturnType<typeof listConnections>>[number];

export function findConnection(db: Executor, id: string) {
  return db
    .selectFrom("connections")
    .innerJoin("tenants", "tenants.id", "connections.tenant_id")
    .select([...publicColumns, "tenants.name as tenant_name", "tenants.tier"])
    .where("connections.id", "=", id)
    .executeTakeFirst();
}

export interface NewConnection {
  /** Chosen by the caller when the credentials are sealed for it before the insert. (Default: generated) */
  id?: string;
  tenantId: string;
  provider: string;
  name: string;
  baseUrl: string | null;
  credentialsEncrypted: string;
}

/** The insert trigger enqueues the first sync in the same transaction. */
export async function insertConnection(db: Executor, input: NewConnection): Promise<string> {
  const row = await db
    .insertInto("connections")
    .values({
      ...(input.id ? { id: input.id } : {}),
      tenant_id: input.tenantId,
      provider: input.provider,
      name: input.name,
      base_url: input.baseUrl,
      credentials_encrypted: input.credentialsEncrypted,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Returns false when no connection has that id. */
export async function setConnectionPaused(
  db: Executor,
  id: string,
  paused: { reason: string } | false,
): Promise<boolean> {
  const result = await db
    .updateTable("connections")
    .set(
      paused
        ? { status: "paused", paused_reason: paused.reason, updated_at: sql`now()` }
        : // Resuming makes the connection due at once instead of waiting out a stale next_sync_at.
          { status: "active", paused_reason: null, next_sync_at: sql`now()`, updated_at: sql`now()` },
    )
    .where("id", "=", id)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Enqueues a sync through synchub.request_sync: one pending job per connection. */
export async function requestSync(
  db: Executor,
  connectionId: string,
  trigger: "manual" | "sql",
): Promise<string> {
  const { rows } = await sql<{ job_id: string }>`
    select synchub.request_sync(${connectionId}::uuid, ${trigger}) as job_id`.execute(db);
  return String(rows[0]!.job_id);
}

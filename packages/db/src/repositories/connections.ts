import { type Kysely, sql, type Transaction } from "kysely";
import { type Database, queryPrepared } from "../client.ts";
import type { DB } from "../generated.ts";

type Executor = Kysely<DB> | Transaction<DB>;

/**
 * Every column an API caller may see: the connection's own (the encrypted credentials never leave
 * the database layer) and its llm.costs target's loop state, under the names the API has always
 * used. A connection's target has the connection's id.
 */
const publicColumns = [
  "connections.id",
  "connections.tenant_id",
  "connections.provider",
  "connections.name",
  "connections.base_url",
  "target.status",
  "target.paused_reason",
  "target.sync_status",
  "target.sync_error",
  "target.last_synced_at",
  "target.next_sync_at",
  "target.consecutive_failures",
  "target.sync_error_class",
  "target.auth_failures",
  "target.pacing_min_interval_ms",
  "target.pacing_hourly_cap",
  "target.interval_ms",
  "connections.created_at",
  "connections.updated_at",
] as const;

function connectionsWithTargets(db: Executor) {
  return db
    .selectFrom("connections")
    .innerJoin("tenants", "tenants.id", "connections.tenant_id")
    .innerJoin("sync_targets as target", (join) =>
      join.onRef("target.subject_id", "=", "connections.id").on("target.kind", "=", "llm.costs"),
    );
}

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
  let query = connectionsWithTargets(db)
    .select([...publicColumns, "tenants.name as tenant_name", "tenants.tier"])
    .orderBy("tenants.name")
    .orderBy("connections.name")
    .limit(filter.limit ?? 500);
  if (filter.status) query = query.where("target.status", "=", filter.status);
  if (filter.syncStatus) query = query.where("target.sync_status", "=", filter.syncStatus);
  if (filter.provider) query = query.where("connections.provider", "=", filter.provider);
  if (filter.tenantId) query = query.where("connections.tenant_id", "=", filter.tenantId);
  if (filter.tier) query = query.where("tenants.tier", "=", filter.tier);
  if (filter.late) {
    query = query
      .where("target.status", "=", "active")
      .where(sql<boolean>`now() - target.next_sync_at > target.interval_ms * interval '1 millisecond'`);
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
  return connectionsWithTargets(db)
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

/** The insert trigger creates its llm.costs target and enqueues the first sync in the same transaction. */
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

/** Pauses or resumes a sync target (a connection's: the same id). Returns false for an unknown id. */
export async function setTargetPaused(
  db: Executor,
  id: string,
  paused: { reason: string } | false,
): Promise<boolean> {
  const result = await db
    .updateTable("sync_targets")
    .set(
      paused
        ? { status: "paused", paused_reason: paused.reason, updated_at: sql`now()` }
        : // Resuming makes the target due at once instead of waiting out a stale next_sync_at.
          { status: "active", paused_reason: null, next_sync_at: sql`now()`, updated_at: sql`now()` },
    )
    .where("id", "=", id)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Enqueues a sync through synchub.request_sync: one pending job per connection (its target). */
export async function requestSync(
  db: Executor,
  connectionId: string,
  trigger: "manual" | "sql",
): Promise<string> {
  const { rows } = await sql<{ job_id: string }>`
    select synchub.request_sync(${connectionId}::uuid, ${trigger}) as job_id`.execute(db);
  return String(rows[0]!.job_id);
}

/**
 * What the llm.costs kind needs to sync a connection, sealed credentials included (never for the
 * API). A named statement, since every sync of a connection sends it.
 */
export async function findConnectionForSync(db: Database, id: string) {
  const [row] = await queryPrepared<{
    id: string;
    provider: string;
    base_url: string | null;
    credentials_encrypted: string;
  }>(
    db,
    {
      name: "synchub_connection_for_sync",
      text: "select id, provider, base_url, credentials_encrypted from synchub.connections where id = $1::uuid",
    },
    [id],
  );
  return row;
}

import { type Kysely, type RawBuilder, sql, type Transaction } from "kysely";
import { type Database, queryPrepared } from "../client.ts";
import type { DB } from "../generated.ts";
import { DEFAULT_PAGE_SIZE, type Keyset, type KeysetPage, keysetPage } from "./keyset.ts";

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
}

/** Overdue by more than its own interval; `next_sync_at < now()` lets the due index find them. */
const isLate = sql<boolean>`target.status = 'active' and target.next_sync_at < now()
  and now() - target.next_sync_at > target.interval_ms * interval '1 millisecond'`;

/** The filter's conditions on a connection's target (`target`). */
function targetConditions(filter: ConnectionFilter): RawBuilder<boolean>[] {
  const conditions: RawBuilder<boolean>[] = [];
  if (filter.status) conditions.push(sql<boolean>`target.status = ${filter.status}`);
  if (filter.syncStatus) conditions.push(sql<boolean>`target.sync_status = ${filter.syncStatus}`);
  if (filter.late) conditions.push(isLate);
  return conditions;
}

/** The filter's conditions on the connection (`connections`) and its tenant (`tenants`). */
function connectionConditions(filter: ConnectionFilter): RawBuilder<boolean>[] {
  const conditions: RawBuilder<boolean>[] = [];
  if (filter.provider) conditions.push(sql<boolean>`connections.provider = ${filter.provider}`);
  if (filter.tenantId) conditions.push(sql<boolean>`connections.tenant_id = ${filter.tenantId}::uuid`);
  if (filter.tier) conditions.push(sql<boolean>`tenants.tier = ${filter.tier}`);
  if (filter.search) {
    const pattern = `%${filter.search.replace(/[\\%_]/g, "\\$&")}%`;
    // Each name on its own, so each one's trigram index answers it; an OR across the join would
    // read every connection.
    conditions.push(sql<boolean>`connections.id in (
      select by_name.id from synchub.connections by_name where by_name.name ilike ${pattern}
      union all
      select by_tenant.id from synchub.connections by_tenant
      join synchub.tenants named on named.id = by_tenant.tenant_id
      where named.name ilike ${pattern})`);
  }
  return conditions;
}

const all = (conditions: RawBuilder<boolean>[]) => sql<boolean>`${sql.join(conditions, sql` and `)}`;

/**
 * One page of connections in tenant-name order, then connection name; the tenant id and the
 * connection id break ties, so tenants that share a name stay apart and every row has one place.
 */
export async function listConnections(
  db: Executor,
  filter: ConnectionFilter & {
    /** The previous page's last keyset: [tenant name, tenant id, name, id]. (Default: the first page) */
    after?: Keyset | null;
    /** Connections per page. (Default: 50) */
    limit?: number;
  } = {},
): Promise<KeysetPage<ConnectionListRow>> {
  const limit = filter.limit ?? DEFAULT_PAGE_SIZE;
  const conditions = [...targetConditions(filter), ...connectionConditions(filter)];
  let query = connectionsWithTargets(db)
    .select([...publicColumns, "tenants.name as tenant_name", "tenants.tier"])
    .orderBy("tenants.name")
    .orderBy("tenants.id")
    .orderBy("connections.name")
    .orderBy("connections.id")
    .limit(limit + 1);
  if (conditions.length > 0) query = query.where(all(conditions));
  if (filter.after) {
    const [tenantName, tenantId, name, id] = filter.after;
    query = query
      // The tenant half alone lets the tenants index start where the page did.
      .where(sql<boolean>`(tenants.name, tenants.id) >= (${tenantName}, ${tenantId}::uuid)`)
      .where(
        sql<boolean>`(tenants.name, tenants.id, connections.name, connections.id) > (${tenantName}, ${tenantId}::uuid, ${name}, ${id}::uuid)`,
      );
  }
  const rows = await query.execute();
  return keysetPage(
    rows,
    limit,
    (row) => [row.tenant_name, row.tenant_id, row.name, row.id],
    (row) => row,
  );
}

/**
 * How many connections a filter selects, by state: the Connections page's summary. Counted over
 * the targets, joining connections and tenants only for a filter that needs them.
 */
export async function countConnections(db: Executor, filter: ConnectionFilter = {}) {
  let query = db.selectFrom("sync_targets as target").where("target.kind", "=", "llm.costs");
  const onTarget = targetConditions(filter);
  if (onTarget.length > 0) query = query.where(all(onTarget));
  const onConnection = connectionConditions(filter);
  if (onConnection.length > 0) {
    query = query.where(sql<boolean>`target.subject_id in (
      select connections.id from synchub.connections
      join synchub.tenants on tenants.id = connections.tenant_id
      where ${all(onConnection)})`);
  }
  const row = await query
    .select((eb) => [
      eb.fn.countAll<string>().as("total"),
      sql<string>`count(*) filter (where target.sync_status = 'ok')`.as("ok"),
      sql<string>`count(*) filter (where target.sync_status = 'running')`.as("running"),
      sql<string>`count(*) filter (where target.sync_status = 'pending')`.as("pending"),
      sql<string>`count(*) filter (where target.sync_status = 'failed')`.as("failed"),
      sql<string>`count(*) filter (where target.status = 'paused')`.as("paused"),
      sql<string>`count(*) filter (where ${isLate})`.as("late"),
    ])
    .executeTakeFirstOrThrow();
  return {
    total: Number(row.total),
    ok: Number(row.ok),
    running: Number(row.running),
    pending: Number(row.pending),
    failed: Number(row.failed),
    paused: Number(row.paused),
    late: Number(row.late),
  };
}

/** A connection as lists show it: its columns, its tenant's name and tier. */
export type ConnectionListRow = Omit<ConnectionView, "paused_by_system" | "last_failure">;

/** A connection as its own page shows it (findConnection). */
export type ConnectionView = NonNullable<Awaited<ReturnType<typeof findConnection>>>;

/**
 * One connection with its tenant's name and tier (which set `interval_ms`), whether the engine
 * paused it (authentication failures: health's paused_by_system) and its latest failed run, found
 * from the newest of its runs by runs_target_started_id_idx. Never its credentials.
 */
export function findConnection(db: Executor, id: string) {
  return connectionsWithTargets(db)
    .select([...publicColumns, "tenants.name as tenant_name", "tenants.tier"])
    .select([
      sql<boolean>`target.status = 'paused' and target.auth_failures > 0`.as("paused_by_system"),
      sql<{ run_id: string; at: Date; error: string | null; error_class: string | null } | null>`(
        select json_build_object('run_id', r.id::text, 'at', coalesce(r.finished_at, r.started_at),
          'error', r.error, 'error_class', r.error_class)
        from synchub.runs r
        where r.target_id = target.id and r.status = 'failed'
        order by r.started_at desc, r.id desc
        limit 1)`.as("last_failure"),
    ])
    .where("connections.id", "=", id)
    .executeTakeFirst()
    .then((row) =>
      row?.last_failure
        ? { ...row, last_failure: { ...row.last_failure, at: new Date(row.last_failure.at) } }
        : row,
    );
}

/** Renames a connection. Returns the old name, or null for an unknown id. */
export async function renameConnection(db: Executor, id: string, name: string): Promise<string | null> {
  const row = await db
    .updateTable("connections as c")
    .from("connections as old")
    .set({ name, updated_at: sql`now()` })
    .whereRef("old.id", "=", "c.id")
    .where("c.id", "=", id)
    .returning("old.name as from")
    .executeTakeFirst();
  return row?.from ?? null;
}

/**
 * Replaces a connection's sealed credentials (sealed by the caller for this id); its next sync
 * uses them. Returns false for an unknown id.
 */
export async function replaceConnectionCredentials(
  db: Executor,
  id: string,
  credentialsEncrypted: string,
): Promise<boolean> {
  const result = await db
    .updateTable("connections")
    .set({ credentials_encrypted: credentialsEncrypted, updated_at: sql`now()` })
    .where("id", "=", id)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
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

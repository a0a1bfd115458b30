/**
 * S1: an LLM platform account's daily costs (OpenAI, Anthropic, OpenRouter, Volcano Engine),
 * fetched since the last successful sync and upserted per (connection, day, line item).
 */
import {
  type CostLine,
  type CostsClient,
  type CredentialsFor,
  createCostsClient,
  type ProviderId,
} from "@synchub/connectors";
import { findConnectionForSync, upsertCostRows } from "@synchub/db";
import { defineKind } from "../engine/kinds.ts";

const DAY_MS = 86_400_000;

export const llmCosts = defineKind<{ connectionId: string; client: CostsClient; startDay: string }, CostLine>(
  {
    id: "llm.costs",

    async load(ctx, target, io) {
      const connection = await findConnectionForSync(ctx.db, target.subjectId);
      // Deleted between the claim and now: nothing to fetch for, and nothing to retry.
      if (!connection) throw new Error(`Connection ${target.subjectId} no longer exists`);
      // createCostsClient validates the shape and fails permanently naming a missing field; a key
      // that does not open (another row's ciphertext) is a SecretKeyError, permanent too.
      const credentials = JSON.parse(
        ctx.secrets.open(connection.credentials_encrypted, connection.id),
      ) as CredentialsFor<ProviderId>;
      const client = createCostsClient(connection.provider as ProviderId, credentials, {
        baseUrl: connection.base_url ?? undefined,
        retry: ctx.sync.httpRetry,
        timeoutMs: ctx.sync.httpTimeoutMs,
        beforeRequest: io.beforeRequest,
      });
      const startDay = watermarkDay(target.lastSyncedAt, ctx.sync.backfillDays ?? 30, io.startedAt);
      return { connectionId: connection.id, client, startDay };
    },

    async run(loaded, io) {
      for await (const page of loaded.client.pages({
        startDay: loaded.startDay,
        signal: io.signal,
        onNotice: io.notice,
      })) {
        await io.write(page);
      }
    },

    write: (trx, loaded, page) => upsertCostRows(trx, loaded.connectionId, page),

    // No intervalMs: the target's own interval is kept by the tenant's tier in SQL (enterprise
    // 30 min, pro 60 min, free 6 h; migration 0017's tenants_apply_tier).

    classify(error) {
      if (error instanceof SyntaxError) {
        return { errorClass: "permanent", message: "Stored credentials are not valid JSON", auth: false };
      }
      return undefined;
    },
  },
);

/**
 * The first day to fetch: the day before the last successful sync (providers revise recent days),
 * or `backfillDays` back for a connection that never synced.
 */
export function watermarkDay(lastSyncedAt: Date | null, backfillDays: number, now: number): string {
  const from = lastSyncedAt ? lastSyncedAt.getTime() - DAY_MS : now - backfillDays * DAY_MS;
  return new Date(from).toISOString().slice(0, 10);
}

import { randomUUID } from "node:crypto";
import { credentialsSchemaFor } from "@synchub/connectors";
import {
  countConnections,
  dailyCosts,
  findConnection,
  findTenant,
  insertConnection,
  listConnections,
  renameConnection,
  replaceConnectionCredentials,
  requestSync,
  setTargetPaused,
} from "@synchub/db";
import { TRPCError } from "@trpc/server";
import { pageFields, readPage } from "../paging.ts";
import {
  connectionFilterSchema,
  connectionHistorySchema,
  connectionIdSchema,
  createConnectionSchema,
  type ProviderId,
  pauseConnectionSchema,
  renameConnectionSchema,
  rotateCredentialsSchema,
  rotateCredentialsSchemaFor,
} from "../schemas/index.ts";
import { notFound, procedureFor, router, withAudit } from "../trpc.ts";

/** Days of history the chart shows when the caller names none. */
const defaultHistoryDays = 30;

export const connectionsRouter = router({
  /** A page of connections by tenant name, then name. */
  list: procedureFor("viewer")
    .input(connectionFilterSchema.extend(pageFields).optional())
    .query(({ ctx, input }) => {
      const { cursor: _, limit: __, ...filter } = input ?? {};
      return readPage(ctx, "connections", input, (page) => listConnections(ctx.db, { ...filter, ...page }));
    }),

  /** How many connections the filter selects, by status, sync status and lateness. */
  summary: procedureFor("viewer")
    .input(connectionFilterSchema.optional())
    .query(({ ctx, input }) => countConnections(ctx.db, input ?? {})),

  /**
   * One connection: its tenant's tier and the interval it sets (`tier`, `interval_ms`), its state
   * (`status`, `paused_reason`, `paused_by_system`, `sync_error`) and its latest failed run
   * (`last_failure`). Never its credentials.
   */
  byId: procedureFor("viewer")
    .input(connectionIdSchema)
    .query(async ({ ctx, input }) => {
      const connection = await findConnection(ctx.db, input.id);
      if (!connection) throw notFound("connection", input.id);
      return connection;
    }),

  /** Cost per day and currency over the last `days` (1 to 90), oldest first. (Default: 30) */
  history: procedureFor("viewer")
    .input(connectionHistorySchema)
    .query(async ({ ctx, input }) => {
      if (!(await findConnection(ctx.db, input.id))) throw notFound("connection", input.id);
      return dailyCosts(ctx.db, input.id, input.days ?? defaultHistoryDays);
    }),

  create: procedureFor("admin")
    .input(createConnectionSchema)
    .mutation(async ({ ctx, input }) => {
      if (!(await findTenant(ctx.db, input.tenantId))) throw notFound("tenant", input.tenantId);
      // The connector's own schema has the last word on what it will be given.
      const credentials = credentialsSchemaFor(input.provider).parse(input.credentials);
      // The id is chosen here because the sealed credentials are bound to it.
      const id = randomUUID();
      await insertConnection(ctx.db, {
        id,
        tenantId: input.tenantId,
        provider: input.provider,
        name: input.name,
        baseUrl: input.baseUrl ?? null,
        credentialsEncrypted: ctx.secrets.seal(JSON.stringify(credentials), id),
      });
      return (await findConnection(ctx.db, id))!;
    }),

  rename: procedureFor("operator")
    .input(renameConnectionSchema)
    .mutation(async ({ ctx, input }) => {
      const connection = await findConnection(ctx.db, input.id);
      if (!connection) throw notFound("connection", input.id);
      const renamed = await withAudit(
        ctx,
        {
          action: "connection.rename",
          objectType: "connection",
          objectId: input.id,
          details: { from: connection.name, to: input.name },
        },
        (trx) => renameConnection(trx, input.id, input.name),
      );
      if (renamed === null) throw notFound("connection", input.id);
      return (await findConnection(ctx.db, input.id))!;
    }),

  /**
   * New credentials, checked against the connection's provider and sealed for its id; its next
   * sync uses them. The audit entry names the fields changed, never their values.
   */
  rotateCredentials: procedureFor("admin")
    .input(rotateCredentialsSchema)
    .mutation(async ({ ctx, input }) => {
      const connection = await findConnection(ctx.db, input.id);
      if (!connection) throw notFound("connection", input.id);
      const provider = connection.provider as ProviderId;
      const checked = rotateCredentialsSchemaFor(provider).safeParse(input);
      if (!checked.success) {
        throw new TRPCError({ code: "BAD_REQUEST", message: checked.error.message, cause: checked.error });
      }
      const credentials = credentialsSchemaFor(provider).parse(input.credentials);
      const replaced = await withAudit(
        ctx,
        {
          action: "connection.rotate_credentials",
          objectType: "connection",
          objectId: input.id,
          details: { provider, fields: Object.keys(credentials).sort() },
        },
        (trx) =>
          replaceConnectionCredentials(
            trx,
            input.id,
            ctx.secrets.seal(JSON.stringify(credentials), input.id),
          ),
      );
      if (!replaced) throw notFound("connection", input.id);
      return (await findConnection(ctx.db, input.id))!;
    }),

  pause: procedureFor("operator")
    .input(pauseConnectionSchema)
    .mutation(async ({ ctx, input }) => {
      const reason = input.reason || `Paused by ${ctx.user.username}`;
      const paused = await withAudit(
        ctx,
        { action: "connection.pause", objectType: "connection", objectId: input.id, details: { reason } },
        (trx) => setTargetPaused(trx, input.id, { reason }),
      );
      if (!paused) throw notFound("connection", input.id);
      return (await findConnection(ctx.db, input.id))!;
    }),

  resume: procedureFor("operator")
    .input(connectionIdSchema)
    .mutation(async ({ ctx, input }) => {
      const resumed = await withAudit(
        ctx,
        { action: "connection.resume", objectType: "connection", objectId: input.id },
        (trx) => setTargetPaused(trx, input.id, false),
      );
      if (!resumed) throw notFound("connection", input.id);
      return (await findConnection(ctx.db, input.id))!;
    }),

  syncNow: procedureFor("operator")
    .input(connectionIdSchema)
    .mutation(async ({ ctx, input }) => {
      if (!(await findConnection(ctx.db, input.id))) throw notFound("connection", input.id);
      const jobId = await withAudit(
        ctx,
        { action: "connection.sync_now", objectType: "connection", objectId: input.id },
        (trx) => requestSync(trx, input.id, "manual"),
      );
      return { jobId };
    }),
});

import { randomUUID } from "node:crypto";
import { credentialsSchemaFor, providerIds } from "@synchub/connectors";
import {
  countConnections,
  findConnection,
  findTenant,
  insertConnection,
  listConnections,
  requestSync,
  setTargetPaused,
} from "@synchub/db";
import { tierSchema } from "@synchub/domain";
import { z } from "zod";
import { pageFields, readPage } from "../paging.ts";
import { notFound, procedureFor, router, withAudit } from "../trpc.ts";

export const connectionFilterSchema = z.object({
  status: z.enum(["active", "paused"]).optional(),
  syncStatus: z.enum(["pending", "running", "ok", "failed"]).optional(),
  provider: z.enum(providerIds).optional(),
  tier: tierSchema.optional(),
  tenantId: z.uuid().optional(),
  search: z.string().trim().max(200).optional(),
  late: z.boolean().optional(),
});

export const createConnectionSchema = z
  .object({
    tenantId: z.uuid(),
    provider: z.enum(providerIds),
    name: z.string().trim().min(1, "Name is required").max(200),
    baseUrl: z.url({ protocol: /^https?$/ }).nullish(),
    credentials: z.record(z.string(), z.unknown()),
  })
  .superRefine((value, ctx) => {
    // Credentials are checked against the chosen provider's own schema, issue by issue, so the
    // error names the missing field (credentials.adminKey) rather than "invalid input".
    const parsed = credentialsSchemaFor(value.provider).safeParse(value.credentials);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        ctx.addIssue({
          code: "custom",
          path: ["credentials", ...issue.path.map(String)],
          message: issue.message,
        });
      }
    }
  });

const idInput = z.object({ id: z.uuid() });

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

  byId: procedureFor("viewer")
    .input(idInput)
    .query(async ({ ctx, input }) => {
      const connection = await findConnection(ctx.db, input.id);
      if (!connection) throw notFound("connection", input.id);
      return connection;
    }),

  create: procedureFor("admin")
    .input(createConnectionSchema)
    .mutation(async ({ ctx, input }) => {
      if (!(await findTenant(ctx.db, input.tenantId))) throw notFound("tenant", input.tenantId);
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

  pause: procedureFor("operator")
    .input(idInput.extend({ reason: z.string().trim().max(500).optional() }))
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
    .input(idInput)
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
    .input(idInput)
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

import { createFileRoute } from "@tanstack/react-router";
import { z } from "zod";
import { AuditPage } from "../pages/audit/AuditPage.tsx";

const filter = (max: number) => z.string().max(max).optional().catch(undefined);

/** The audit log's filters (audit.list's), kept in the URL; a value that does not fit is dropped. */
const auditSearch = z.object({
  objectType: filter(100),
  objectId: filter(200),
  actor: filter(200),
  action: filter(100),
});

export type AuditSearch = z.infer<typeof auditSearch>;

export const Route = createFileRoute("/audit")({
  staticData: { title: "Audit log", nav: { label: "Audit log", order: 80 } },
  validateSearch: auditSearch,
  component: AuditPage,
});

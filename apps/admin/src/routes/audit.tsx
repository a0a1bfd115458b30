import { createFileRoute } from "@tanstack/react-router";
import { AuditPage } from "../pages/AuditPage.tsx";

export const Route = createFileRoute("/audit")({
  staticData: { title: "Audit log", nav: { label: "Audit log", order: 80 } },
  component: AuditPage,
});

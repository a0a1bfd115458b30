import { createFileRoute } from "@tanstack/react-router";
import { z } from "zod";
import { ConnectionsPage } from "../pages/connections/ConnectionsPage.tsx";

/** The Connections page's filters, kept in the URL; a value that does not fit is dropped, not an error page. */
const connectionsSearch = z.object({
  status: z.enum(["active", "paused"]).optional().catch(undefined),
  syncStatus: z.enum(["pending", "running", "ok", "failed"]).optional().catch(undefined),
  provider: z.enum(["openai", "anthropic", "openrouter", "volcengine"]).optional().catch(undefined),
  tier: z.enum(["free", "pro", "enterprise"]).optional().catch(undefined),
  search: z.string().max(200).optional().catch(undefined),
  late: z.boolean().optional().catch(undefined),
});

export type ConnectionsSearch = z.infer<typeof connectionsSearch>;

export const Route = createFileRoute("/connections/")({
  staticData: { title: "Connections", nav: { label: "Connections", order: 20 } },
  validateSearch: connectionsSearch,
  component: ConnectionsPage,
});

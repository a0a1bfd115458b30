import { createFileRoute } from "@tanstack/react-router";
import { z } from "zod";
import { RunsPage } from "../pages/RunsPage.tsx";

/** The Runs page's filters, kept in the URL; a value that does not fit is dropped, not an error page. */
const runsSearch = z.object({
  connection: z.uuid().optional().catch(undefined),
  status: z.enum(["running", "succeeded", "failed", "deferred"]).optional().catch(undefined),
  scope: z.enum(["work", "syncs", "jobs", "ticks", "all"]).optional().catch(undefined),
});

export type RunsSearch = z.infer<typeof runsSearch>;

export const Route = createFileRoute("/runs/")({
  staticData: { title: "Runs", nav: { label: "Runs", order: 30 } },
  validateSearch: runsSearch,
  component: RunsPage,
});

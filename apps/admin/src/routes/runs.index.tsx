import { createFileRoute } from "@tanstack/react-router";
import { z } from "zod";
import { RunsPage } from "../pages/runs/RunsPage.tsx";
import { runRanges, runStatuses, runTriggers } from "../pages/runs/runFilters.ts";

/** A datetime-local value ("2026-12-03T19:00"): the viewer's own wall clock, as the inputs show it. */
const localTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/);
const name = z.string().trim().min(1).max(200);

/** The Runs page's filters, kept in the URL; a value that does not fit is dropped, not an error page. */
const runsSearch = z.object({
  connection: z.uuid().optional().catch(undefined),
  status: z.enum(runStatuses).optional().catch(undefined),
  scope: z.enum(["work", "syncs", "jobs", "ticks", "all"]).optional().catch(undefined),
  kind: name.optional().catch(undefined),
  task: name.optional().catch(undefined),
  trigger: z.enum(runTriggers).optional().catch(undefined),
  /** A range up to now ("1h", "24h", "7d"); wins over from/to. */
  range: z.enum(runRanges).optional().catch(undefined),
  from: localTime.optional().catch(undefined),
  to: localTime.optional().catch(undefined),
});

export type RunsSearch = z.infer<typeof runsSearch>;

export const Route = createFileRoute("/runs/")({
  staticData: { title: "Runs", nav: { label: "Runs", order: 30 } },
  validateSearch: runsSearch,
  component: RunsPage,
});

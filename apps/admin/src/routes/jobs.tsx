import { createFileRoute } from "@tanstack/react-router";
import { z } from "zod";
import { JobsPage } from "../pages/jobs/JobsPage.tsx";
import { jobStates } from "../pages/jobs/jobStates.ts";

/** The queue's filters, kept in the URL; a value that does not fit is dropped. */
const jobsSearch = z.object({
  task: z.string().trim().min(1).max(200).optional().catch(undefined),
  state: z.enum(jobStates).optional().catch(undefined),
});

export const Route = createFileRoute("/jobs")({
  staticData: { title: "Jobs", nav: { label: "Jobs", order: 35 } },
  validateSearch: jobsSearch,
  component: JobsPage,
});

import { createFileRoute } from "@tanstack/react-router";
import { z } from "zod";
import { SchedulesPage } from "../pages/schedules/SchedulesPage.tsx";

/** The list's filter, kept in the URL; a value that does not fit is dropped. */
const schedulesSearch = z.object({
  status: z.enum(["enabled", "paused"]).optional().catch(undefined),
});

export const Route = createFileRoute("/schedules/")({
  staticData: { title: "Schedules", nav: { label: "Schedules", order: 40 } },
  validateSearch: schedulesSearch,
  component: SchedulesPage,
});

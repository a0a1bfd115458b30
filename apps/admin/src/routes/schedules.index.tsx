import { createFileRoute } from "@tanstack/react-router";
import { SchedulesPage } from "../pages/SchedulesPage.tsx";

export const Route = createFileRoute("/schedules/")({
  staticData: { title: "Schedules", nav: { label: "Schedules", order: 40 } },
  component: SchedulesPage,
});

import { createFileRoute } from "@tanstack/react-router";
import { WorkersPage } from "../pages/workers/WorkersPage.tsx";

export const Route = createFileRoute("/workers")({
  staticData: { title: "Workers", nav: { label: "Workers", order: 36 } },
  component: WorkersPage,
});

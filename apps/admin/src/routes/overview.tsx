import { createFileRoute } from "@tanstack/react-router";
import { OverviewPage } from "../pages/OverviewPage.tsx";

export const Route = createFileRoute("/overview")({
  staticData: { title: "Overview", nav: { label: "Overview", order: 10 } },
  component: OverviewPage,
});

import { createFileRoute } from "@tanstack/react-router";
import { RateLimitsPage } from "../pages/RateLimitsPage.tsx";

export const Route = createFileRoute("/rate-limits")({
  staticData: { title: "Rate limits", nav: { label: "Rate limits", order: 60 } },
  component: RateLimitsPage,
});

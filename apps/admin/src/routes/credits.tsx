import { createFileRoute } from "@tanstack/react-router";
import { CreditsPage } from "../pages/CreditsPage.tsx";

export const Route = createFileRoute("/credits")({
  staticData: { title: "Credits & quotas", nav: { label: "Credits & quotas", order: 70 } },
  component: CreditsPage,
});

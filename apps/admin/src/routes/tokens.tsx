import { createFileRoute } from "@tanstack/react-router";
import { TokensPage } from "../pages/TokensPage.tsx";

export const Route = createFileRoute("/tokens")({
  staticData: { title: "API tokens", nav: { label: "API tokens", order: 100, adminOnly: true } },
  component: TokensPage,
});

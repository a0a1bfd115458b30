import { createFileRoute } from "@tanstack/react-router";
import { ConnectionsPage } from "../pages/ConnectionsPage.tsx";

export const Route = createFileRoute("/connections/")({
  staticData: { title: "Connections", nav: { label: "Connections", order: 20 } },
  component: ConnectionsPage,
});

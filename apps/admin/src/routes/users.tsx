import { createFileRoute } from "@tanstack/react-router";
import { UsersPage } from "../pages/UsersPage.tsx";

export const Route = createFileRoute("/users")({
  staticData: { title: "Users", nav: { label: "Users", order: 90, adminOnly: true } },
  component: UsersPage,
});

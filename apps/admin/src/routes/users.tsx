import { roles } from "@synchub/api/schemas";
import { createFileRoute } from "@tanstack/react-router";
import { z } from "zod";
import { UsersPage } from "../pages/users/UsersPage.tsx";

/** The Users page's filter, kept in the URL. */
const usersSearch = z.object({ role: z.enum(roles).optional().catch(undefined) });

export const Route = createFileRoute("/users")({
  staticData: { title: "Users", nav: { label: "Users", order: 90, adminOnly: true } },
  validateSearch: usersSearch,
  component: UsersPage,
});

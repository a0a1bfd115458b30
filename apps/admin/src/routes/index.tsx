import { createFileRoute, redirect } from "@tanstack/react-router";

/** The landing page after login is the Overview. */
export const Route = createFileRoute("/")({
  beforeLoad: () => {
    throw redirect({ to: "/overview", replace: true });
  },
});

import { createRootRouteWithContext } from "@tanstack/react-router";
import type { RouterContext } from "../router.tsx";
import { Shell } from "../shell/Shell.tsx";

export const Route = createRootRouteWithContext<RouterContext>()({
  component: function Root() {
    return <Shell user={Route.useRouteContext().user} />;
  },
});

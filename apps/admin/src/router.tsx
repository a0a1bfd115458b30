import { createHashHistory, createRouter } from "@tanstack/react-router";
import { routeTree } from "./routeTree.gen.ts";
import { NotFoundPage } from "./shell/NotFoundPage.tsx";
import type { User } from "./trpc.ts";

/** What every route can read from `Route.useRouteContext()`: the signed-in operator. */
export interface RouterContext {
  user: User;
}

/**
 * Hash URLs (`/#/runs?status=failed`) keep the static build servable from any path with no
 * server-side fallback; filters live in the search part, so a filtered view can be shared.
 */
export function makeRouter() {
  return createRouter({
    routeTree,
    history: createHashHistory(),
    // Filled in by <RouterProvider context> once the session is known.
    context: { user: undefined! },
    defaultPreload: "intent",
    defaultNotFoundComponent: NotFoundPage,
    scrollRestoration: true,
  });
}

declare module "@tanstack/react-router" {
  interface Register {
    router: ReturnType<typeof makeRouter>;
  }
  /** A route file's `staticData`: its title, and where it sits in the main navigation. */
  interface StaticDataRouteOption {
    /** The document title while the route shows (detail pages refine it with usePageTitle). */
    title?: string;
    nav?: { label: string; order: number; adminOnly?: boolean };
  }
}

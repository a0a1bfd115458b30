import { useRouteContext } from "@tanstack/react-router";
import type { User } from "../trpc.ts";

/** The signed-in operator, for pages that show or hide actions by role. */
export function useUser(): User {
  return useRouteContext({ from: "__root__", select: (context) => context.user });
}

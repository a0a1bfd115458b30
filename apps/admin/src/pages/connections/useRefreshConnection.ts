import { useQueryClient } from "@tanstack/react-query";
import { useTRPC } from "../../trpc.ts";

/** After an action: every view of connections (this page, the list, the Overview's counts) reads again. */
export function useRefreshConnections(): () => Promise<void> {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return async () => {
    await Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.connections.pathKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.overview.pathKey() }),
    ]);
  };
}

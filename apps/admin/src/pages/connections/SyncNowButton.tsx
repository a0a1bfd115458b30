import { useMutation, useQueryClient } from "@tanstack/react-query";
import { ActionNote, useFlashNotice } from "../../components/ui.tsx";
import { errorMessage, useTRPC } from "../../trpc.ts";

/** Queues a sync of one connection at once (`connections.syncNow`) and says so under the button. */
export function SyncNowButton({
  connection,
  canOperate,
  small,
}: {
  connection: { id: string; name: string; tenant_name: string; status: string };
  canOperate: boolean;
  small?: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [notice, setNotice] = useFlashNotice();
  const syncNow = useMutation(
    trpc.connections.syncNow.mutationOptions({
      onSuccess: async () => {
        setNotice("Sync queued");
        await Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.connections.pathKey() }),
          queryClient.invalidateQueries({ queryKey: trpc.runs.pathKey() }),
        ]);
      },
    }),
  );
  const paused = connection.status === "paused";
  return (
    <div>
      <button
        type="button"
        className={small ? "button button-primary button-small" : "button button-primary"}
        aria-label={`Sync now: ${connection.tenant_name} / ${connection.name}`}
        title={
          !canOperate
            ? "Needs the operator role"
            : paused
              ? "Resume the connection to sync it"
              : "Queue a sync right away"
        }
        disabled={syncNow.isPending || paused || !canOperate}
        onClick={() => syncNow.mutate({ id: connection.id })}
      >
        {syncNow.isPending ? "Queuing…" : "Sync now"}
      </button>
      <ActionNote error={syncNow.error ? errorMessage(syncNow.error) : null} notice={notice} />
    </div>
  );
}

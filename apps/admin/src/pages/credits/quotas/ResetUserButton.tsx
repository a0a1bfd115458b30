import { useMutation, useQueryClient } from "@tanstack/react-query";
import { ActionNote, ConfirmButton } from "../../../components/ui.tsx";
import { errorMessage, useTRPC } from "../../../trpc.ts";

/** Manual reset of one user's counters, every metric. Audited. */
export function ResetUserButton({ userRef }: { userRef: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const reset = useMutation(
    trpc.quotas.reset.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.quotas.pathKey() }),
    }),
  );
  return (
    <>
      <ConfirmButton
        label="Reset"
        confirmLabel="Reset counters"
        pendingLabel="Resetting…"
        target={userRef}
        pending={reset.isPending}
        onConfirm={() => reset.mutate({ userRef })}
      />
      <ActionNote error={reset.error ? errorMessage(reset.error) : null} notice={null} />
    </>
  );
}

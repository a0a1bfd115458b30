import { useMutation, useQueryClient } from "@tanstack/react-query";
import { ActionNote, ConfirmButton, useFlashNotice } from "../../../components/ui.tsx";
import { count } from "../../../format.ts";
import { errorMessage, useTRPC } from "../../../trpc.ts";

/** Manual reset of everyone's counters (SPEC S5): the daily and monthly resets, now. Audited. */
export function QuotaResetAll({ canOperate }: { canOperate: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [notice, setNotice] = useFlashNotice();
  const reset = useMutation(
    trpc.quotas.reset.mutationOptions({
      onSuccess: async ({ reset: accounts }) => {
        setNotice(`Counters reset for ${count(accounts)} account${accounts === 1 ? "" : "s"}`);
        await queryClient.invalidateQueries({ queryKey: trpc.quotas.pathKey() });
      },
      onError: () => setNotice(null),
    }),
  );
  return (
    <div className="section-bar">
      <p className="muted">
        Daily counters reset at 00:05 UTC, monthly ones on the 1st at 00:10 UTC.
        {canOperate ? null : " Resetting by hand needs the operator role."}
      </p>
      {canOperate ? (
        <div className="section-bar-actions">
          <ConfirmButton
            label="Reset all quotas"
            confirmLabel="Reset every user's counters"
            pendingLabel="Resetting…"
            target="all users"
            pending={reset.isPending}
            onConfirm={() => reset.mutate({ all: true })}
          />
          <ActionNote error={reset.error ? errorMessage(reset.error) : null} notice={notice} />
        </div>
      ) : null}
    </div>
  );
}

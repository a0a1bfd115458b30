import { useMutation, useQueryClient } from "@tanstack/react-query";
import { ActionNote, Badge, useFlashNotice } from "../../components/ui.tsx";
import { errorMessage, type User, useTRPC } from "../../trpc.ts";
import type { Schedule } from "./types.ts";

export function EnabledBadge({ enabled }: { enabled: boolean }) {
  return enabled ? <Badge value="enabled" tone="success" /> : <Badge value="paused" tone="warning" />;
}

/** Run now, Pause / Resume: operators and admins; viewers see them disabled with the reason. */
export function ScheduleActions({
  schedule,
  user,
  small,
}: {
  schedule: Schedule;
  user: User;
  small?: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [notice, setNotice] = useFlashNotice();
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.schedules.pathKey() });
  const runNow = useMutation(
    trpc.schedules.runNow.mutationOptions({
      onSuccess: async (run) => {
        setNotice(run.enqueued ? "Run queued" : "Already queued this second");
        await refresh();
      },
    }),
  );
  const pause = useMutation(trpc.schedules.pause.mutationOptions({ onSuccess: refresh }));
  const resume = useMutation(trpc.schedules.resume.mutationOptions({ onSuccess: refresh }));

  const canOperate = user.role !== "viewer";
  const readOnly = canOperate ? undefined : "Needs the operator role";
  const busy = runNow.isPending || pause.isPending || resume.isPending;
  const error = runNow.error ?? pause.error ?? resume.error;
  const size = small ? " button-small" : "";

  return (
    <div>
      <div className="button-row">
        <button
          type="button"
          className={`button button-primary${size}`}
          aria-label={`Run now: ${schedule.name}`}
          title={readOnly ?? `Enqueue ${schedule.task} right away`}
          disabled={busy || !canOperate}
          onClick={() => runNow.mutate({ id: schedule.id })}
        >
          {runNow.isPending ? "Queuing…" : "Run now"}
        </button>
        {schedule.enabled ? (
          <button
            type="button"
            className={`button${size}`}
            aria-label={`Pause: ${schedule.name}`}
            title={readOnly}
            disabled={busy || !canOperate}
            onClick={() => pause.mutate({ id: schedule.id })}
          >
            {pause.isPending ? "Pausing…" : "Pause"}
          </button>
        ) : (
          <button
            type="button"
            className={`button${size}`}
            aria-label={`Resume: ${schedule.name}`}
            title={readOnly}
            disabled={busy || !canOperate}
            onClick={() => resume.mutate({ id: schedule.id })}
          >
            {resume.isPending ? "Resuming…" : "Resume"}
          </button>
        )}
      </div>
      <ActionNote error={error ? errorMessage(error) : null} notice={notice} />
    </div>
  );
}

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId } from "react";
import { useForm, useWatch } from "react-hook-form";
import { showServerErrors } from "../../components/form/useZodForm.ts";
import { ConfirmButton, useFlashNotice } from "../../components/ui.tsx";
import { errorMessage, useTRPC } from "../../trpc.ts";
import styles from "./Jobs.module.css";

/**
 * Run now, reschedule and remove for the selected jobs. Each answer says how many changed and
 * how many were skipped (locked by a worker, or gone from the queue); the selection is cleared.
 */
export function JobActions({ ids, onDone }: { ids: string[]; onDone: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [outcome, setOutcome] = useFlashNotice(10_000);
  const done = async (result: { message: string }) => {
    setOutcome(result.message);
    onDone();
    await queryClient.invalidateQueries({ queryKey: trpc.jobs.pathKey() });
  };
  const runNow = useMutation(trpc.jobs.runNow.mutationOptions({ onSuccess: done }));
  const remove = useMutation(trpc.jobs.remove.mutationOptions({ onSuccess: done }));
  const reschedule = useMutation(trpc.jobs.reschedule.mutationOptions());
  // No schema in @synchub/api/schemas for jobs.reschedule yet: the server's (z.coerce.date) judges
  // the instant, and its issue lands under the field.
  const form = useForm<{ runAt: string }>({ defaultValues: { runAt: "" } });
  const runAt = useWatch({ control: form.control, name: "runAt" });
  const runAtId = useId();
  const runAtError = form.formState.errors.runAt?.message;

  const busy = runNow.isPending || remove.isPending || reschedule.isPending || form.formState.isSubmitting;
  const none = ids.length === 0;
  const error = runNow.error ?? remove.error;
  const formError = form.formState.errors.root?.server?.message;
  const target = `${ids.length} selected ${ids.length === 1 ? "job" : "jobs"}`;

  return (
    <>
      <section className={styles.selectionBar} aria-label="Act on the selected jobs">
        <span className={`muted ${styles.selectionCount}`}>
          {none ? "Select jobs to act on" : `${ids.length} ${ids.length === 1 ? "job" : "jobs"} selected`}
        </span>
        <button
          type="button"
          className="button button-small button-primary"
          disabled={none || busy}
          onClick={() => {
            reschedule.reset();
            remove.reset();
            runNow.mutate({ ids });
          }}
        >
          {runNow.isPending ? "Queuing…" : "Run now"}
        </button>
        <form
          className={styles.rescheduleForm}
          noValidate
          aria-label="Reschedule the selected jobs"
          onSubmit={form.handleSubmit(async (values) => {
            runNow.reset();
            remove.reset();
            try {
              await done(await reschedule.mutateAsync({ ids, runAt: new Date(values.runAt) }));
              form.reset();
            } catch (failure) {
              showServerErrors(form, failure);
            }
          })}
        >
          <div className="field">
            <label htmlFor={runAtId}>Run at</label>
            <input
              id={runAtId}
              type="datetime-local"
              aria-invalid={runAtError ? true : undefined}
              aria-describedby={runAtError ? `${runAtId}-error` : undefined}
              {...form.register("runAt")}
            />
          </div>
          <button type="submit" className="button button-small" disabled={none || busy || !runAt}>
            {reschedule.isPending ? "Rescheduling…" : "Reschedule"}
          </button>
          {runAtError ? (
            <span id={`${runAtId}-error`} className="field-issue" role="alert">
              {runAtError}
            </span>
          ) : null}
        </form>
        <ConfirmButton
          label="Remove"
          confirmLabel={`Remove ${target}`}
          pendingLabel="Removing…"
          target={target}
          pending={remove.isPending}
          disabled={none || busy}
          onConfirm={() => {
            runNow.reset();
            reschedule.reset();
            remove.mutate({ ids });
          }}
        />
      </section>
      {error || formError ? (
        <p className={`text-danger ${styles.outcome}`} role="alert">
          {error ? errorMessage(error) : formError}
        </p>
      ) : outcome ? (
        <output className={`text-success ${styles.outcome}`}>{outcome}</output>
      ) : null}
    </>
  );
}

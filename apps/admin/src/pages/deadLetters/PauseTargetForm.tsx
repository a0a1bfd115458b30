import { pauseConnectionSchema } from "@synchub/api/schemas";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Form, SubmitButton, TextField } from "../../components/form/fields.tsx";
import { showServerErrors, useZodForm } from "../../components/form/useZodForm.ts";
import { useTRPC } from "../../trpc.ts";
import type { Target } from "./types.ts";

const pauseForm = pauseConnectionSchema.omit({ id: true });

/** Pauses a letter's target (`connections.pause`), so it stops failing while its cause is fixed. */
export function PauseTargetForm({
  target,
  onDone,
  onCancel,
}: {
  target: Target;
  onDone: (message: string) => void;
  onCancel: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const pause = useMutation(
    trpc.connections.pause.mutationOptions({
      onSuccess: () =>
        Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.deadLetters.pathKey() }),
          queryClient.invalidateQueries({ queryKey: trpc.connections.pathKey() }),
        ]),
    }),
  );
  const form = useZodForm(pauseForm, { defaultValues: { reason: "" } });
  return (
    <Form
      form={form}
      label={`Pause ${target.name}`}
      className="reason-form"
      onSubmit={(values) =>
        pause.mutateAsync({ id: target.id, ...values }).then(
          () => onDone(`Paused ${target.name}: it syncs no more until someone resumes it.`),
          (error: unknown) => showServerErrors(form, error),
        )
      }
    >
      <TextField
        name="reason"
        label={`Reason to pause ${target.name} (optional)`}
        className="field-grow"
        placeholder="e.g. key revoked, waiting for a new one"
        autoComplete="off"
      />
      <div className="button-row">
        <SubmitButton pending={pause.isPending} pendingLabel="Pausing…" className="button button-danger">
          Pause target
        </SubmitButton>
        <button type="button" className="button button-ghost" onClick={onCancel} disabled={pause.isPending}>
          Cancel
        </button>
      </div>
    </Form>
  );
}

import { pauseConnectionSchema } from "@synchub/api/schemas";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { Form, SubmitButton, TextField } from "../../components/form/fields.tsx";
import { showServerErrors, useZodForm } from "../../components/form/useZodForm.ts";
import { ActionNote, useFlashNotice } from "../../components/ui.tsx";
import { errorMessage, useTRPC } from "../../trpc.ts";
import type { ConnectionDetail } from "./types.ts";
import { useRefreshConnections } from "./useRefreshConnection.ts";

/** The pause form sends the reason; the id is the page's. */
const pauseFormSchema = pauseConnectionSchema.omit({ id: true });

/** Pause with a reason (kept for the audit log and shown on the connection), or resume. */
export function PauseResume({ connection }: { connection: ConnectionDetail }) {
  const trpc = useTRPC();
  const refresh = useRefreshConnections();
  const [notice, setNotice] = useFlashNotice(6_000);
  const [asking, setAsking] = useState(false);
  const form = useZodForm(pauseFormSchema, { defaultValues: { reason: "" } });
  const pause = useMutation(trpc.connections.pause.mutationOptions({ onSuccess: refresh }));
  const resume = useMutation(
    trpc.connections.resume.mutationOptions({
      onSuccess: async () => {
        setNotice("Resumed: it syncs again, starting now");
        await refresh();
      },
    }),
  );

  if (connection.status === "paused") {
    return (
      <div>
        <button
          type="button"
          className="button"
          disabled={resume.isPending}
          onClick={() => resume.mutate({ id: connection.id })}
        >
          {resume.isPending ? "Resuming…" : "Resume"}
        </button>
        <ActionNote error={resume.error ? errorMessage(resume.error) : null} notice={notice} />
      </div>
    );
  }
  if (!asking) {
    return (
      <div>
        <button type="button" className="button" onClick={() => setAsking(true)}>
          Pause…
        </button>
        <ActionNote error={null} notice={notice} />
      </div>
    );
  }
  return (
    <Form
      form={form}
      label="Pause the connection"
      onSubmit={async (values) => {
        try {
          await pause.mutateAsync({ id: connection.id, ...values });
          form.reset({ reason: "" });
          setAsking(false);
          setNotice("Paused: no sync runs until it is resumed");
        } catch (error) {
          showServerErrors(form, error);
        }
      }}
    >
      <TextField<{ reason?: string }>
        name="reason"
        label="Reason for pausing"
        placeholder="e.g. tenant asked to stop; for the audit log"
        hint="Optional; shown on the connection while it is paused."
      />
      <div className="button-row button-row-start">
        <SubmitButton
          pending={form.formState.isSubmitting}
          pendingLabel="Pausing…"
          className="button button-danger"
        >
          Pause connection
        </SubmitButton>
        <button type="button" className="button button-ghost" onClick={() => setAsking(false)}>
          Cancel
        </button>
      </div>
    </Form>
  );
}

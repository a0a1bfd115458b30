import { discardDeadLettersSchema } from "@synchub/api/schemas";
import { Form, SubmitButton, TextField } from "../../components/form/fields.tsx";
import { showServerErrors, useZodForm } from "../../components/form/useZodForm.ts";
import type { Selection } from "./types.ts";
import type { useLetterActions } from "./useLetterActions.ts";

/**
 * Asks why before letters are closed for good. The selection rides along as the form's hidden
 * values, so the whole input is checked by the procedure's own schema (`deadLetters.discard`).
 */
export function DiscardForm({
  selection,
  title,
  submitLabel,
  discard,
  onDone,
  onCancel,
}: {
  selection: Selection;
  title: string;
  submitLabel: string;
  discard: ReturnType<typeof useLetterActions>["discard"];
  onDone: () => void;
  onCancel: () => void;
}) {
  const form = useZodForm(discardDeadLettersSchema, { defaultValues: { ...selection, reason: "" } });
  return (
    <Form
      form={form}
      label={submitLabel}
      className="reason-form"
      onSubmit={(values) =>
        discard.mutateAsync(values).then(onDone, (error: unknown) => showServerErrors(form, error))
      }
    >
      <TextField
        name="reason"
        label={title}
        className="field-grow"
        placeholder="Why, for the audit log (e.g. tenant cancelled)"
        autoComplete="off"
      />
      <div className="button-row">
        <SubmitButton pending={discard.isPending} pendingLabel="Discarding…" className="button button-danger">
          {submitLabel}
        </SubmitButton>
        <button type="button" className="button button-ghost" onClick={onCancel} disabled={discard.isPending}>
          Cancel
        </button>
      </div>
    </Form>
  );
}

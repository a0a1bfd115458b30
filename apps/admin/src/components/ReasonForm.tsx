import { type FormEvent, useId, useState } from "react";

/** The API's rule for a discard reason (deadLetters.discard: trimmed, 3 to 500 characters). */
export const REASON_MIN = 3;
export const REASON_MAX = 500;

/**
 * A small inline form that asks why before a destructive action. The reason is checked here as
 * the operator types, and a rejection from the server (`issue`) shows under the same field.
 */
export function ReasonForm({
  title,
  submitLabel,
  pending,
  issue,
  onSubmit,
  onCancel,
}: {
  title: string;
  submitLabel: string;
  pending: boolean;
  issue?: string | undefined;
  onSubmit: (reason: string) => void;
  onCancel: () => void;
}) {
  const id = useId();
  const [reason, setReason] = useState("");
  const [touched, setTouched] = useState(false);
  const trimmed = reason.trim();
  const tooShort = trimmed.length < REASON_MIN;
  const shown = issue ?? (touched && tooShort ? `Give a reason of at least ${REASON_MIN} characters` : null);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setTouched(true);
    if (!tooShort) onSubmit(trimmed);
  }

  return (
    <form className="reason-form" onSubmit={submit} aria-label={submitLabel} noValidate>
      <div className="field field-grow">
        <label htmlFor={id}>{title}</label>
        <input
          id={id}
          name="reason"
          placeholder="Why, for the audit log (e.g. tenant cancelled)"
          value={reason}
          maxLength={REASON_MAX}
          onChange={(event) => setReason(event.target.value)}
          onBlur={() => setTouched(reason.length > 0)}
          aria-invalid={shown ? true : undefined}
          aria-describedby={shown ? `${id}-issue` : undefined}
          // biome-ignore lint/a11y/noAutofocus: the form opens on the operator's click, to be typed into
          autoFocus
        />
        {shown ? (
          <span id={`${id}-issue`} className="field-issue" role="alert">
            {shown}
          </span>
        ) : null}
      </div>
      <div className="button-row">
        <button type="submit" className="button button-danger" disabled={pending}>
          {pending ? "Discarding…" : submitLabel}
        </button>
        <button type="button" className="button button-ghost" onClick={onCancel} disabled={pending}>
          Cancel
        </button>
      </div>
    </form>
  );
}

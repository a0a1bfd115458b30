import { useId } from "react";
import { type FieldValues, type Path, useFormContext } from "react-hook-form";

/**
 * The cron input: like the shared TextField, but it lists every problem the schema found (one
 * per field of the expression), where TextField shows the first. Needs the form's
 * `criteriaMode: "all"`, which keeps them all in the error's `types`.
 */
export function CronField<Values extends FieldValues>({
  name,
  label,
  hint,
  disabled,
}: {
  name: Path<Values>;
  label: string;
  hint?: string;
  disabled?: boolean;
}) {
  const id = useId();
  const { register, getFieldState, formState } = useFormContext<Values>();
  const error = getFieldState(name, formState).error;
  const problems = error
    ? [
        ...new Set(
          Object.values(error.types ?? {})
            .flat()
            .filter((message): message is string => typeof message === "string")
            .concat(error.message ? [error.message] : []),
        ),
      ]
    : [];
  const describedBy = [hint ? `${id}-hint` : "", problems.length ? `${id}-error` : ""]
    .filter(Boolean)
    .join(" ");
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        spellCheck={false}
        autoComplete="off"
        disabled={disabled}
        aria-invalid={problems.length ? true : undefined}
        aria-describedby={describedBy || undefined}
        {...register(name)}
      />
      {hint ? (
        <span id={`${id}-hint`} className="form-note">
          {hint}
        </span>
      ) : null}
      {problems.length === 1 ? (
        <span id={`${id}-error`} className="field-issue" role="alert">
          {problems[0]}
        </span>
      ) : problems.length > 1 ? (
        <ul id={`${id}-error`} className="field-issue" role="alert">
          {problems.map((problem) => (
            <li key={problem}>{problem}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

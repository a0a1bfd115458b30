import { type ReactNode, useId } from "react";
import {
  type FieldValues,
  FormProvider,
  type Path,
  type UseFormReturn,
  useFormContext,
} from "react-hook-form";
import { FORM_ERROR } from "./useZodForm.ts";

/**
 * A form bound to a React Hook Form: no browser validation bubbles (the schema's messages show
 * under each field instead), and an error that belongs to no field shows above the buttons.
 */
export function Form<Values extends FieldValues, Output>({
  form,
  onSubmit,
  children,
  className,
  label,
}: {
  form: UseFormReturn<Values, unknown, Output>;
  onSubmit: (values: Output) => unknown;
  children: ReactNode;
  className?: string;
  /** The form's accessible name. */
  label?: string;
}) {
  const formError = form.formState.errors.root?.server?.message;
  return (
    <FormProvider {...form}>
      <form
        noValidate
        className={className}
        aria-label={label}
        onSubmit={(event) => {
          form.clearErrors(FORM_ERROR);
          void form.handleSubmit(onSubmit)(event);
        }}
      >
        {children}
        {formError ? (
          <p className="form-error text-danger" role="alert">
            {formError}
          </p>
        ) : null}
      </form>
    </FormProvider>
  );
}

/** The message React Hook Form holds for a (possibly nested) field. */
function useFieldError(name: string): string | undefined {
  const { getFieldState, formState } = useFormContext();
  return getFieldState(name, formState).error?.message;
}

/** The label, the control, a hint and the field's own error, wired for assistive technology. */
function FieldFrame({
  id,
  label,
  hint,
  error,
  className,
  children,
}: {
  id: string;
  label: string;
  hint?: ReactNode;
  error?: string;
  className?: string;
  children: ReactNode;
}) {
  return (
    <div className={className ? `field ${className}` : "field"}>
      <label htmlFor={id}>{label}</label>
      {children}
      <FieldNotes id={id} hint={hint} error={error} />
    </div>
  );
}

/** A field's hint and its error, under the control, with the ids `describedBy` points at. */
function FieldNotes({ id, hint, error }: { id: string; hint?: ReactNode; error?: string | undefined }) {
  return (
    <>
      {hint ? (
        <span id={`${id}-hint`} className="form-note">
          {hint}
        </span>
      ) : null}
      {error ? (
        <span id={`${id}-error`} className="field-issue" role="alert">
          {error}
        </span>
      ) : null}
    </>
  );
}

function describedBy(id: string, hint: unknown, error: unknown): string | undefined {
  return [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;
}

interface FieldProps<Values extends FieldValues> {
  name: Path<Values>;
  label: string;
  hint?: ReactNode;
  className?: string;
  disabled?: boolean;
}

export function TextField<Values extends FieldValues>({
  name,
  label,
  hint,
  className,
  disabled,
  type = "text",
  placeholder,
  autoComplete,
  inputMode,
  numeric,
  autoFocus,
}: FieldProps<Values> & {
  type?: "text" | "password" | "url" | "email" | "datetime-local";
  placeholder?: string;
  autoComplete?: string;
  inputMode?: "numeric" | "decimal" | "text";
  /** Sends a number (or nothing, when empty) instead of the text typed. */
  numeric?: boolean;
  /** Only where the form is the one thing on the page (login). */
  autoFocus?: boolean;
}) {
  const id = useId();
  const { register } = useFormContext<Values>();
  const error = useFieldError(name);
  return (
    <FieldFrame id={id} label={label} hint={hint} error={error} className={className}>
      <input
        id={id}
        type={type}
        placeholder={placeholder}
        autoComplete={autoComplete}
        inputMode={inputMode ?? (numeric ? "decimal" : undefined)}
        disabled={disabled}
        // biome-ignore lint/a11y/noAutofocus: callers pass it only for a page that is just this form
        autoFocus={autoFocus}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
        {...register(name, numeric ? { setValueAs: toNumberOrUndefined } : {})}
      />
    </FieldFrame>
  );
}

/**
 * "" means no value; anything else becomes a number, or stays text when it is not one, so the
 * schema (not the browser) says what is wrong with it.
 */
function toNumberOrUndefined(value: unknown): unknown {
  if (typeof value !== "string") return value;
  const trimmed = value.trim();
  if (trimmed === "") return undefined;
  const number = Number(trimmed);
  return Number.isNaN(number) ? trimmed : number;
}

export function TextAreaField<Values extends FieldValues>({
  name,
  label,
  hint,
  className,
  disabled,
  rows = 4,
  placeholder,
}: FieldProps<Values> & { rows?: number; placeholder?: string }) {
  const id = useId();
  const { register } = useFormContext<Values>();
  const error = useFieldError(name);
  return (
    <FieldFrame id={id} label={label} hint={hint} error={error} className={className}>
      <textarea
        id={id}
        rows={rows}
        placeholder={placeholder}
        disabled={disabled}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
        {...register(name)}
      />
    </FieldFrame>
  );
}

export function ChoiceField<Values extends FieldValues>({
  name,
  label,
  hint,
  className,
  disabled,
  options,
  labels,
  emptyLabel,
}: FieldProps<Values> & {
  options: readonly string[];
  labels?: Partial<Record<string, string>>;
  /** A first option meaning "none chosen", sent as undefined. */
  emptyLabel?: string;
}) {
  const id = useId();
  const { register } = useFormContext<Values>();
  const error = useFieldError(name);
  return (
    <FieldFrame id={id} label={label} hint={hint} error={error} className={className}>
      <select
        id={id}
        disabled={disabled}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(id, hint, error)}
        {...register(name, emptyLabel === undefined ? {} : { setValueAs: (v) => (v === "" ? undefined : v) })}
      >
        {emptyLabel === undefined ? null : <option value="">{emptyLabel}</option>}
        {options.map((option) => (
          <option key={option} value={option}>
            {labels?.[option] ?? option}
          </option>
        ))}
      </select>
    </FieldFrame>
  );
}

/** The submit button: says what it does, and what it is doing while the request runs. */
export function SubmitButton({
  children,
  pending,
  pendingLabel,
  className = "button button-primary",
}: {
  children: ReactNode;
  pending: boolean;
  pendingLabel: string;
  className?: string;
}) {
  return (
    <button type="submit" className={className} disabled={pending}>
      {pending ? pendingLabel : children}
    </button>
  );
}

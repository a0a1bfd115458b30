import { type ReactNode, useId } from "react";
import { exactTime, fromNow } from "../format.ts";

export type Tone = "neutral" | "info" | "success" | "warning" | "danger" | "accent";

const toneByState: Record<string, Tone> = {
  ok: "success",
  succeeded: "success",
  active: "success",
  running: "info",
  pending: "neutral",
  failed: "danger",
  paused: "warning",
  enterprise: "accent",
  pro: "info",
  free: "neutral",
};

/** A colored pill for a state word; the word itself stays the accessible text. */
export function Badge({ value, tone, title }: { value: string; tone?: Tone; title?: string }) {
  const resolved = tone ?? toneByState[value] ?? "neutral";
  return (
    <span className={`badge badge-${resolved}`} title={title}>
      {resolved === "info" && value === "running" ? <span className="pulse" aria-hidden="true" /> : null}
      {value}
    </span>
  );
}

export function TimeAgo({ date, now, empty = "never" }: { date: Date | null; now: number; empty?: string }) {
  if (!date) return <span className="muted">{empty}</span>;
  return (
    <time dateTime={date.toISOString()} title={exactTime(date)}>
      {fromNow(date, now)}
    </time>
  );
}

export function Loading({ label }: { label: string }) {
  return (
    <div className="state" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state empty">
      <p className="state-title">{title}</p>
      {children ? <p className="muted">{children}</p> : null}
    </div>
  );
}

export function ErrorBanner({ children }: { children: ReactNode }) {
  return (
    <div className="alert" role="alert">
      {children}
    </div>
  );
}

export function PageHeader({
  id,
  title,
  subtitle,
  children,
}: {
  id?: string;
  title: string;
  subtitle?: ReactNode;
  children?: ReactNode;
}) {
  return (
    <div className="page-header">
      <div>
        <h1 id={id}>{title}</h1>
        {subtitle ? <p className="muted">{subtitle}</p> : null}
      </div>
      {children ? <div className="page-actions">{children}</div> : null}
    </div>
  );
}

/**
 * A labelled select over plain string values, the shape every filter and role picker shares.
 * `anyLabel` adds a first "no filter" option with the value "".
 */
export function SelectField<T extends string>({
  label,
  value,
  options,
  onChange,
  anyLabel,
}: {
  label: string;
  value: T | "";
  options: readonly T[];
  onChange: (value: T | "") => void;
  anyLabel?: string;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(event) => onChange(event.target.value as T | "")}>
        {anyLabel === undefined ? null : <option value="">{anyLabel}</option>}
        {options.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    </div>
  );
}

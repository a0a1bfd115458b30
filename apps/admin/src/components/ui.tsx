import { type ReactNode, useEffect, useId, useState } from "react";
import { count, exactTime, fromNow } from "../format.ts";

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
  labels,
  onChange,
  anyLabel,
}: {
  label: string;
  value: T | "";
  options: readonly T[];
  /** What each option reads as, where not the value itself. */
  labels?: Partial<Record<T, string>>;
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
            {labels?.[option] ?? option}
          </option>
        ))}
      </select>
    </div>
  );
}

/**
 * A destructive action that asks first: the button turns into "confirm" and "Cancel".
 * `label` names the action, `target` what it acts on (for the accessible name).
 */
export function ConfirmButton({
  label,
  confirmLabel,
  pendingLabel,
  target,
  pending,
  disabled,
  title,
  onConfirm,
}: {
  label: string;
  confirmLabel: string;
  pendingLabel: string;
  target: string;
  pending: boolean;
  disabled?: boolean;
  title?: string;
  onConfirm: () => void;
}) {
  const [confirming, setConfirming] = useState(false);
  // Confirming runs the action once and goes back to the plain button, which shows the progress:
  // a button still asking "confirm" after the action ran invites running it twice.
  if (!confirming || pending) {
    return (
      <button
        type="button"
        className="button button-small"
        aria-label={`${label}: ${target}`}
        disabled={disabled || pending}
        title={title}
        onClick={() => setConfirming(true)}
      >
        {pending ? pendingLabel : label}
      </button>
    );
  }
  return (
    <span className="button-row">
      <button
        type="button"
        className="button button-small button-danger"
        onClick={() => {
          setConfirming(false);
          onConfirm();
        }}
      >
        {confirmLabel}
      </button>
      <button type="button" className="button button-small button-ghost" onClick={() => setConfirming(false)}>
        Cancel
      </button>
    </span>
  );
}

/** A short-lived message (e.g. "Sync queued"): it clears itself `ms` after it was last set. */
export function useFlashNotice(ms = 4_000): [string | null, (notice: string | null) => void] {
  const [notice, setNotice] = useState<string | null>(null);
  useEffect(() => {
    if (!notice) return;
    const timer = setTimeout(() => setNotice(null), ms);
    return () => clearTimeout(timer);
  }, [notice, ms]);
  return [notice, setNotice];
}

/** The outcome under a row's action buttons: the error if the last action failed, else its notice. */
export function ActionNote({ error, notice }: { error: string | null; notice: string | null }) {
  if (error) {
    return (
      <div className="cell-note cell-error" role="alert">
        {error}
      </div>
    );
  }
  return notice ? <output className="cell-note text-success">{notice}</output> : null;
}

/** What a server-paged list (tRPC's useInfiniteQuery over `{ items, nextCursor }`) gives its pager. */
interface PagedQuery {
  data?: { pages: unknown[] };
  hasNextPage: boolean;
  isFetchingNextPage: boolean;
  fetchNextPage: () => Promise<unknown>;
}

/**
 * Under a server-paged table: "Load more" while there is a next page, and how many rows are shown
 * (of how many, where the page counts them), so every row can be reached. Nothing when the first
 * page holds them all.
 */
export function LoadMore({
  query,
  shown,
  total,
  one,
  many,
}: {
  query: PagedQuery;
  shown: number;
  /** Rows the filters select, where the page counts them. (Default: not shown) */
  total?: number;
  /** What a row is: "run", and "runs". */
  one: string;
  many: string;
}) {
  const all = !query.hasNextPage;
  if (all && (query.data?.pages.length ?? 0) <= 1) return null;
  const noun = (n: number) => (n === 1 ? one : many);
  return (
    <div className="load-more">
      {all ? null : (
        <button
          type="button"
          className="button"
          disabled={query.isFetchingNextPage}
          onClick={() => void query.fetchNextPage()}
        >
          {query.isFetchingNextPage ? "Loading…" : "Load more"}
        </button>
      )}
      <output className="muted" aria-live="polite">
        {all
          ? `${count(shown)} ${noun(shown)} shown, all of them`
          : total === undefined
            ? `${count(shown)} ${noun(shown)} shown`
            : `${count(shown)} of ${count(total)} ${noun(total)} shown`}
      </output>
    </div>
  );
}

/**
 * How often a server-paged list refreshes: live while a few pages are loaded, not once someone has
 * paged far down (each refresh reads every loaded page again).
 */
export function liveWhileShort(intervalMs: number, maxPages = 3) {
  return (query: { state: { data?: { pages: unknown[] } } }) =>
    (query.state.data?.pages.length ?? 0) > maxPages ? false : intervalMs;
}

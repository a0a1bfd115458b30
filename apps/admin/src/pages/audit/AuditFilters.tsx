import { useId } from "react";
import type { AuditSearch } from "../../routes/audit.tsx";
import styles from "./Audit.module.css";

/** Object types the API writes today; the filter also accepts any other. */
const knownObjectTypes = [
  "api_token",
  "connection",
  "dead_letter",
  "provider",
  "quota_account",
  "schedule",
  "user",
];

/** Action filters offered; one ending in a dot matches the whole family. Any other may be typed. */
const knownActions = [
  { value: "auth.", label: "Every login, failed login and lockout" },
  { value: "auth.login", label: "Successful logins" },
  { value: "auth.login_failed", label: "Failed logins" },
  { value: "auth.lockout", label: "Lockouts after repeated failures" },
  { value: "connection.", label: "Connection changes" },
  { value: "dead_letter.", label: "Dead letter replays and discards" },
  { value: "quota.", label: "Quota resets" },
];

/** The log's filters, each written to the URL as it is typed (so a filtered view can be shared). */
export function AuditFilters({
  search,
  onChange,
}: {
  search: AuditSearch;
  onChange: (patch: Partial<AuditSearch>) => void;
}) {
  const ids = {
    type: useId(),
    types: useId(),
    object: useId(),
    action: useId(),
    actions: useId(),
    actor: useId(),
  };
  const set = (name: keyof AuditSearch) => (event: { target: { value: string } }) =>
    onChange({ [name]: event.target.value || undefined });
  return (
    <search className={`toolbar ${styles.filters}`}>
      <div className="field">
        <label htmlFor={ids.type}>Object type</label>
        <input
          id={ids.type}
          list={ids.types}
          placeholder="Any type"
          value={search.objectType ?? ""}
          onChange={set("objectType")}
        />
        <datalist id={ids.types}>
          {knownObjectTypes.map((type) => (
            <option key={type} value={type} />
          ))}
        </datalist>
      </div>
      <div className="field field-grow">
        <label htmlFor={ids.object}>Object id</label>
        <input
          id={ids.object}
          type="search"
          placeholder="Exact id"
          value={search.objectId ?? ""}
          onChange={set("objectId")}
        />
      </div>
      <div className="field">
        <label htmlFor={ids.action}>Action</label>
        <input
          id={ids.action}
          list={ids.actions}
          placeholder="Any action, or auth."
          value={search.action ?? ""}
          onChange={set("action")}
        />
        <datalist id={ids.actions}>
          {knownActions.map((known) => (
            <option key={known.value} value={known.value} label={known.label} />
          ))}
        </datalist>
      </div>
      <div className="field">
        <label htmlFor={ids.actor}>Actor</label>
        <input
          id={ids.actor}
          type="search"
          placeholder="admin, token:billing-service"
          value={search.actor ?? ""}
          onChange={set("actor")}
        />
      </div>
    </search>
  );
}

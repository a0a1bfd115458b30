import { providerIds, tiers } from "@synchub/api/schemas";
import { useEffect, useId, useState } from "react";
import { SelectField } from "../../components/ui.tsx";
import type { ConnectionsSearch } from "../../routes/connections.index.tsx";

const statuses = ["active", "paused"] as const;
const syncStatuses = ["pending", "running", "ok", "failed"] as const;

/** Typing settles for this long before the search goes into the URL (and the query). */
const SEARCH_SETTLE_MS = 300;

/** The list's filters; each one lives in the URL, so a filtered view survives a reload or a link. */
export function ConnectionFilters({
  search,
  onChange,
}: {
  search: ConnectionsSearch;
  onChange: (patch: Partial<ConnectionsSearch>) => void;
}) {
  const searchId = useId();
  const lateId = useId();
  const [text, setText] = useState(search.search ?? "");
  // A search changed from outside (a tile, back button) shows in the box.
  useEffect(() => setText(search.search ?? ""), [search.search]);
  useEffect(() => {
    const trimmed = text.trim();
    if (trimmed === (search.search ?? "")) return;
    const timer = setTimeout(() => onChange({ search: trimmed || undefined }), SEARCH_SETTLE_MS);
    return () => clearTimeout(timer);
  }, [text, search.search, onChange]);

  return (
    <search className="toolbar">
      <div className="field field-grow">
        <label htmlFor={searchId}>Search</label>
        <input
          id={searchId}
          type="search"
          placeholder="Tenant or connection name"
          value={text}
          maxLength={200}
          onChange={(event) => setText(event.target.value)}
        />
      </div>
      <SelectField
        label="Status"
        value={search.status ?? ""}
        options={statuses}
        anyLabel="Any status"
        onChange={(value) => onChange({ status: value || undefined })}
      />
      <SelectField
        label="Sync status"
        value={search.syncStatus ?? ""}
        options={syncStatuses}
        anyLabel="Any sync status"
        onChange={(value) => onChange({ syncStatus: value || undefined })}
      />
      <SelectField
        label="Provider"
        value={search.provider ?? ""}
        options={providerIds}
        anyLabel="Any provider"
        onChange={(value) => onChange({ provider: value || undefined })}
      />
      <SelectField
        label="Tier"
        value={search.tier ?? ""}
        options={tiers}
        anyLabel="Any tier"
        onChange={(value) => onChange({ tier: value || undefined })}
      />
      <div className="field field-check">
        <label htmlFor={lateId}>
          <input
            id={lateId}
            type="checkbox"
            checked={search.late === true}
            onChange={(event) => onChange({ late: event.target.checked || undefined })}
          />{" "}
          Late only
        </label>
      </div>
    </search>
  );
}

import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { getRouteApi, Link } from "@tanstack/react-router";
import {
  EmptyState,
  ErrorBanner,
  Loading,
  LoadMore,
  liveWhileShort,
  PageHeader,
  SelectField,
  useFlashNotice,
} from "../../components/ui.tsx";
import { useNow } from "../../format.ts";
import { useUser } from "../../shell/useUser.ts";
import { errorMessage, LIVE_INTERVAL_MS, useTRPC } from "../../trpc.ts";
import { GroupCard } from "./GroupCard.tsx";
import { LetterTable } from "./LetterTable.tsx";
import { plural } from "./useLetterActions.ts";

const route = getRouteApi("/dead-letters");

/** The status picker: "" is the default view, open letters grouped by cause. */
const views = ["open", "replaying", "resolved", "discarded", "any"] as const;
const viewLabels = {
  open: "open, one by one",
  replaying: "replaying",
  resolved: "resolved",
  discarded: "discarded",
  any: "any status",
} as const;

export function DeadLettersPage() {
  const user = useUser();
  const now = useNow();
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const [notice, setNotice] = useFlashNotice(8_000);
  const canOperate = user.role !== "viewer";
  const grouped = search.status === undefined && search.fingerprint === undefined;
  const setSearch = (patch: Partial<typeof search>) =>
    void navigate({ search: (previous) => ({ ...previous, ...patch }), replace: true });

  return (
    <section aria-labelledby="dead-letters-heading">
      <PageHeader
        id="dead-letters-heading"
        title="Dead letters"
        subtitle="Jobs that failed for good, grouped by cause. Replay them once the cause is fixed, or discard them with a reason."
      />
      <div className="toolbar">
        <SelectField
          label="Status"
          value={search.status ?? ""}
          options={views}
          labels={viewLabels}
          anyLabel="open, grouped by cause"
          onChange={(value) => setSearch({ status: value || undefined })}
        />
        {search.fingerprint ? (
          <div className="chip">
            Group: <code>{search.fingerprint}</code>
            <Link
              from="/dead-letters"
              to="/dead-letters"
              search={(previous) => ({ ...previous, fingerprint: undefined })}
              aria-label="Show letters of every group"
            >
              ×
            </Link>
          </div>
        ) : null}
        {grouped ? <OpenSummary canOperate={canOperate} /> : null}
      </div>
      {notice ? (
        <output className="notice" aria-live="polite">
          {notice}
        </output>
      ) : null}
      {grouped ? (
        <GroupList now={now} canOperate={canOperate} onDone={setNotice} />
      ) : (
        <LetterList
          status={search.status === "any" ? undefined : search.status}
          fingerprint={search.fingerprint}
          now={now}
          canOperate={canOperate}
          onDone={setNotice}
        />
      )}
    </section>
  );
}

function OpenSummary({ canOperate }: { canOperate: boolean }) {
  const trpc = useTRPC();
  const open = useQuery({ ...trpc.deadLetters.summary.queryOptions(), refetchInterval: LIVE_INTERVAL_MS });
  if (!open.data) return null;
  return (
    <p className="muted toolbar-note">
      {plural(open.data.letters, "open dead letter")} in {plural(open.data.groups, "group")}
      {canOperate ? null : " · replay and discard need the operator role"}
    </p>
  );
}

/** Open letters grouped by cause, largest group first, a page of groups at a time. */
function GroupList({
  now,
  canOperate,
  onDone,
}: {
  now: number;
  canOperate: boolean;
  onDone: (message: string) => void;
}) {
  const trpc = useTRPC();
  const groups = useInfiniteQuery({
    ...trpc.deadLetters.groups.infiniteQueryOptions({}, { getNextPageParam: (page) => page.nextCursor }),
    refetchInterval: liveWhileShort(LIVE_INTERVAL_MS),
  });
  const open = useQuery({ ...trpc.deadLetters.summary.queryOptions(), refetchInterval: LIVE_INTERVAL_MS });
  const rows = groups.data?.pages.flatMap((page) => page.items) ?? [];
  if (groups.isError) {
    return <ErrorBanner>Could not load dead letters: {errorMessage(groups.error)}</ErrorBanner>;
  }
  if (groups.isPending) return <Loading label="Loading dead letters…" />;
  if (rows.length === 0) {
    return (
      <EmptyState title="No open dead letters">
        Every job that failed for good has been replayed or discarded. Pick another status to see them.
      </EmptyState>
    );
  }
  return (
    <>
      <div className="group-list">
        {rows.map((group) => (
          <GroupCard
            key={`${group.fingerprint} ${group.task} ${group.error_class}`}
            group={group}
            now={now}
            canOperate={canOperate}
            onDone={onDone}
          />
        ))}
      </div>
      <LoadMore
        query={groups}
        shown={rows.length}
        {...(open.data ? { total: open.data.groups } : {})}
        one="group"
        many="groups"
      />
    </>
  );
}

/** Letters one a row, by status and (optionally) one group's, the latest failure first. */
function LetterList({
  status,
  fingerprint,
  now,
  canOperate,
  onDone,
}: {
  status: "open" | "replaying" | "resolved" | "discarded" | undefined;
  fingerprint: string | undefined;
  now: number;
  canOperate: boolean;
  onDone: (message: string) => void;
}) {
  const trpc = useTRPC();
  const letters = useInfiniteQuery({
    ...trpc.deadLetters.list.infiniteQueryOptions(
      { ...(status ? { status } : {}), ...(fingerprint ? { fingerprint } : {}) },
      { getNextPageParam: (page) => page.nextCursor },
    ),
    refetchInterval: liveWhileShort(LIVE_INTERVAL_MS),
    placeholderData: (previous) => previous,
  });
  const rows = letters.data?.pages.flatMap((page) => page.items) ?? [];
  if (letters.isError) {
    return <ErrorBanner>Could not load dead letters: {errorMessage(letters.error)}</ErrorBanner>;
  }
  if (letters.isPending) return <Loading label="Loading dead letters…" />;
  return (
    <LetterTable
      rows={rows}
      now={now}
      showTask
      canOperate={canOperate}
      onDone={onDone}
      paging={{ query: letters }}
      empty={{
        title: status ? `No ${status} dead letters` : "No dead letters",
        body: "Dead letters appear here when a job fails permanently or runs out of retries.",
      }}
    />
  );
}

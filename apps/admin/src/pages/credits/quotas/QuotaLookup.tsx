import { userRefSchema } from "@synchub/api/schemas";
import { useQuery } from "@tanstack/react-query";
import { type ColumnDef, createColumnHelper } from "@tanstack/react-table";
import { z } from "zod";
import { Form, SubmitButton, TextField } from "../../../components/form/fields.tsx";
import { useZodForm } from "../../../components/form/useZodForm.ts";
import { DataTable } from "../../../components/table/DataTable.tsx";
import { ErrorBanner, Loading } from "../../../components/ui.tsx";
import { errorMessage, useTRPC } from "../../../trpc.ts";
import styles from "../Credits.module.css";
import { metricLabels, type QuotaStatus } from "../types.ts";
import { ResetUserButton } from "./ResetUserButton.tsx";
import { UsageMeter } from "./UsageMeter.tsx";

/** quotas.status's input: the one user reference field of @synchub/api/schemas. */
const lookupForm = z.object({ userRef: userRefSchema });

type Usage = QuotaStatus["usage"][number];
const column = createColumnHelper<Usage>();
const columns = [
  column.accessor("metric", { header: "Metric", cell: ({ getValue }) => metricLabels[getValue()] }),
  column.display({
    id: "usage",
    header: "Usage",
    cell: ({ row: { original: u } }) => <UsageMeter metric={u.metric} used={u.used} limit={u.limit} />,
  }),
] as ColumnDef<Usage, never>[];

/** One user's counters against their plan (quotas.status), the user named in the URL. */
export function QuotaLookup({
  userRef,
  canOperate,
  onLookUp,
}: {
  userRef: string | undefined;
  canOperate: boolean;
  onLookUp: (userRef: string | undefined) => void;
}) {
  const trpc = useTRPC();
  const form = useZodForm(lookupForm, { values: { userRef: userRef ?? "" } });
  const status = useQuery({
    ...trpc.quotas.status.queryOptions({ userRef: userRef ?? "" }),
    enabled: userRef !== undefined,
    retry: false,
  });
  return (
    <div className={styles.lookup}>
      <Form
        form={form}
        label="Look up a user's quota"
        className={styles.inlineForm}
        onSubmit={(values) => onLookUp(values.userRef)}
      >
        <TextField name="userRef" label="User reference" placeholder="user_ada" autoComplete="off" />
        <SubmitButton pending={status.isFetching} pendingLabel="Looking up…" className="button">
          Look up
        </SubmitButton>
        {userRef ? (
          <button type="button" className="button button-ghost" onClick={() => onLookUp(undefined)}>
            Clear
          </button>
        ) : null}
      </Form>
      {userRef === undefined ? null : status.isError ? (
        <ErrorBanner>{errorMessage(status.error)}</ErrorBanner>
      ) : status.isPending ? (
        <Loading label={`Loading ${userRef}'s quota…`} />
      ) : (
        <section className="card" aria-label={`Quota of ${userRef}`}>
          <div className={styles.lookupHead}>
            <p className="state-title">
              <code>{status.data.userRef}</code> on plan <strong>{status.data.planId}</strong>
            </p>
            {canOperate ? <ResetUserButton userRef={status.data.userRef} /> : null}
          </div>
          <DataTable
            caption={`Quota usage of ${userRef}`}
            columns={columns}
            rows={status.data.usage}
            getRowId={(u) => u.metric}
            empty={{ title: "No counters" }}
          />
        </section>
      )}
    </div>
  );
}

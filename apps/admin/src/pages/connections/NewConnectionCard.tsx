import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import { useState } from "react";
import { ErrorBanner, Loading } from "../../components/ui.tsx";
import { errorMessage, useTRPC } from "../../trpc.ts";
import { CreateConnectionForm } from "./CreateConnectionForm.tsx";
import styles from "./connections.module.css";

/** Tenants offered in the form; the API pages them at most 200 at a time. */
const TENANT_CHOICES = 200;

/** "New connection" (admins only): the form, fed with the tenants and sent to `connections.create`. */
export function NewConnectionCard() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  const [created, setCreated] = useState<{ id: string; name: string } | null>(null);
  const tenants = useQuery({
    ...trpc.tenants.list.queryOptions({ limit: TENANT_CHOICES }),
    enabled: open,
  });
  const create = useMutation(
    trpc.connections.create.mutationOptions({
      onSuccess: async (connection) => {
        setCreated({ id: connection.id, name: connection.name });
        await queryClient.invalidateQueries({ queryKey: trpc.connections.pathKey() });
      },
    }),
  );

  return (
    <div className={`card ${styles.newCard}`}>
      <div className="card-head">
        <h2>New connection</h2>
        {open ? null : (
          <button
            type="button"
            className="button button-primary"
            onClick={() => {
              setOpen(true);
              setCreated(null);
            }}
          >
            Add a connection
          </button>
        )}
      </div>
      {created ? (
        <output className={`form-note text-success ${styles.created}`}>
          Created{" "}
          <Link to="/connections/$id" params={{ id: created.id }}>
            {created.name}
          </Link>
          ; its first sync is queued.
        </output>
      ) : null}
      {open ? (
        tenants.isPending ? (
          <Loading label="Loading tenants…" />
        ) : tenants.isError ? (
          <ErrorBanner>Could not load the tenants: {errorMessage(tenants.error)}</ErrorBanner>
        ) : (
          <CreateConnectionForm
            tenants={tenants.data.items}
            onSubmit={(values) => create.mutateAsync(values)}
            onCancel={() => setOpen(false)}
          />
        )
      ) : null}
    </div>
  );
}

import { useQuery } from "@tanstack/react-query";
import { getRouteApi } from "@tanstack/react-router";
import { useMemo } from "react";
import { DataTable } from "../../components/table/DataTable.tsx";
import { EmptyState, ErrorBanner, Loading, PageHeader, SelectField } from "../../components/ui.tsx";
import { useNow } from "../../format.ts";
import { useUser } from "../../shell/useUser.ts";
import { errorMessage, useTRPC } from "../../trpc.ts";
import { AddUserForm } from "./AddUserForm.tsx";
import { roles } from "./roles.ts";
import { userColumns } from "./userColumns.tsx";

const route = getRouteApi("/users");

export function UsersPage() {
  const user = useUser();
  const trpc = useTRPC();
  const now = useNow();
  const search = route.useSearch();
  const navigate = route.useNavigate();
  const users = useQuery({ ...trpc.users.list.queryOptions(), enabled: user.role === "admin" });
  const columns = useMemo(() => userColumns(now, user.id), [now, user.id]);

  if (user.role !== "admin") {
    return (
      <section aria-labelledby="users-heading">
        <PageHeader id="users-heading" title="Users" />
        <EmptyState title="Needs the admin role">Ask an admin to add or change accounts.</EmptyState>
      </section>
    );
  }
  // users.list answers every account at once (a console has a handful): the role filter is read here.
  const rows = (users.data ?? []).filter((account) => !search.role || account.role === search.role);

  return (
    <section aria-labelledby="users-heading">
      <PageHeader
        id="users-heading"
        title="Users"
        subtitle="Who can sign in to the console: viewers read, operators act on syncs, admins also manage users and tokens."
      />
      <AddUserForm />
      <h2 id="accounts-heading" className="section-heading">
        Accounts
      </h2>
      <div className="toolbar">
        <SelectField
          label="Role filter"
          value={search.role ?? ""}
          options={roles}
          anyLabel="Any role"
          onChange={(value) =>
            void navigate({
              search: (previous) => ({ ...previous, role: value || undefined }),
              replace: true,
            })
          }
        />
      </div>
      {users.isError ? <ErrorBanner>Could not load users: {errorMessage(users.error)}</ErrorBanner> : null}
      {users.isPending ? (
        <Loading label="Loading users…" />
      ) : (
        <DataTable
          caption="Accounts"
          columns={columns}
          rows={rows}
          getRowId={(account) => account.id}
          empty={{ title: search.role ? `No ${search.role}s` : "No users yet" }}
        />
      )}
    </section>
  );
}

import type { AppRouter } from "@synchub/api";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type inferRouterClient, TRPCClientError } from "@trpc/client";
import { type FormEvent, useId, useState } from "react";
import {
  Badge,
  ConfirmButton,
  EmptyState,
  ErrorBanner,
  Loading,
  PageHeader,
  SelectField,
  TimeAgo,
  type Tone,
} from "../components/ui.tsx";
import { useNow } from "../format.ts";
import { useUser } from "../shell/useUser.ts";
import { errorMessage, useTRPC } from "../trpc.ts";

type Client = inferRouterClient<AppRouter>;
type Account = Awaited<ReturnType<Client["users"]["list"]["query"]>>[number];
type Role = Account["role"];

export const roles: Role[] = ["viewer", "operator", "admin"];
export const roleTones: Record<Role, Tone> = { viewer: "neutral", operator: "info", admin: "accent" };

/** Validation issues by field, from a tRPC BAD_REQUEST (`data.issues`). */
export function issuesOf(error: unknown): Record<string, string> {
  if (!(error instanceof TRPCClientError)) return {};
  const issues = (error.data?.issues ?? []) as { path: string; message: string }[];
  return Object.fromEntries(issues.map((issue) => [issue.path, issue.message]));
}

export function UsersPage() {
  const user = useUser();
  const trpc = useTRPC();
  const now = useNow();
  const users = useQuery({ ...trpc.users.list.queryOptions(), enabled: user.role === "admin" });

  if (user.role !== "admin") {
    return (
      <section aria-labelledby="users-heading">
        <PageHeader id="users-heading" title="Users" />
        <EmptyState title="Needs the admin role">Ask an admin to add or change accounts.</EmptyState>
      </section>
    );
  }

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
      {users.isError ? <ErrorBanner>Could not load users: {errorMessage(users.error)}</ErrorBanner> : null}
      {users.isPending ? (
        <Loading label="Loading users…" />
      ) : (users.data ?? []).length === 0 ? (
        <EmptyState title="No users yet" />
      ) : (
        <div className="table-wrap">
          <table className="table-middle" aria-labelledby="accounts-heading">
            <thead>
              <tr>
                <th scope="col">Username</th>
                <th scope="col">Role</th>
                <th scope="col">Created</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {(users.data ?? []).map((account) => (
                <UserRow key={account.id} account={account} self={account.id === user.id} now={now} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function UserRow({ account, self, now }: { account: Account; self: boolean; now: number }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.users.pathKey() });
  const setRole = useMutation(trpc.users.setRole.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.users.delete.mutationOptions({ onSuccess: refresh }));
  const error = setRole.error ?? remove.error;
  const selfNote = "You cannot change or delete your own account";

  return (
    <tr>
      <td>
        <strong>{account.username}</strong> {self ? <span className="muted">(you)</span> : null}
        {error ? <div className="cell-note text-danger">{errorMessage(error)}</div> : null}
      </td>
      <td>
        <label className="visually-hidden" htmlFor={`role-${account.id}`}>
          Role of {account.username}
        </label>
        {self ? (
          <Badge value={account.role} tone={roleTones[account.role]} title={selfNote} />
        ) : (
          <select
            id={`role-${account.id}`}
            value={account.role}
            disabled={setRole.isPending}
            onChange={(event) => setRole.mutate({ id: account.id, role: event.target.value as Role })}
          >
            {roles.map((role) => (
              <option key={role} value={role}>
                {role}
              </option>
            ))}
          </select>
        )}
      </td>
      <td>
        <TimeAgo date={account.created_at} now={now} />
      </td>
      <td className="actions">
        <ConfirmButton
          label="Delete"
          confirmLabel={`Delete ${account.username}`}
          pendingLabel="Deleting…"
          target={account.username}
          pending={remove.isPending}
          disabled={self}
          title={self ? selfNote : undefined}
          onConfirm={() => remove.mutate({ id: account.id })}
        />
      </td>
    </tr>
  );
}

function AddUserForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const ids = { username: useId(), password: useId() };
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [role, setRole] = useState<Role>("viewer");
  const [added, setAdded] = useState<string | null>(null);
  const create = useMutation(
    trpc.users.create.mutationOptions({
      onSuccess: async (created) => {
        setAdded(created.username);
        setUsername("");
        setPassword("");
        await queryClient.invalidateQueries({ queryKey: trpc.users.pathKey() });
      },
    }),
  );
  const issues = issuesOf(create.error);
  const otherError = create.error && Object.keys(issues).length === 0 ? create.error : null;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setAdded(null);
    create.mutate({ username, password, role });
  }

  const issue = (name: string, id: string) =>
    issues[name] ? (
      <span id={`${id}-issue`} className="field-issue" role="alert">
        {issues[name]}
      </span>
    ) : null;

  return (
    <form className="card inline-form" onSubmit={submit} aria-label="Add a user" noValidate>
      <h2 className="state-title">Add a user</h2>
      {otherError ? <ErrorBanner>{errorMessage(otherError)}</ErrorBanner> : null}
      <div className="form-row">
        <div className="field">
          <label htmlFor={ids.username}>Username</label>
          <input
            id={ids.username}
            name="username"
            autoComplete="off"
            value={username}
            onChange={(event) => setUsername(event.target.value)}
            aria-invalid={issues.username ? true : undefined}
            aria-describedby={issues.username ? `${ids.username}-issue` : undefined}
          />
          {issue("username", ids.username)}
        </div>
        <div className="field">
          <label htmlFor={ids.password}>Password (8+ characters)</label>
          <input
            id={ids.password}
            name="password"
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(event) => setPassword(event.target.value)}
            aria-invalid={issues.password ? true : undefined}
            aria-describedby={issues.password ? `${ids.password}-issue` : undefined}
          />
          {issue("password", ids.password)}
        </div>
        <SelectField
          label="Role"
          value={role}
          options={roles}
          onChange={(value) => value && setRole(value)}
        />
      </div>
      <div className="button-row button-row-start">
        <button type="submit" className="button button-primary" disabled={create.isPending}>
          {create.isPending ? "Adding…" : "Add user"}
        </button>
        {added ? <output className="text-success form-note">Added {added}.</output> : null}
      </div>
    </form>
  );
}

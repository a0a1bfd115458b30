import type { AppRouter } from "@synchub/api";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import type { inferRouterClient } from "@trpc/client";
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
} from "../components/ui.tsx";
import { useNow } from "../format.ts";
import { useUser } from "../shell/useUser.ts";
import { errorMessage, LIVE_INTERVAL_MS, useTRPC } from "../trpc.ts";
import { issuesOf, roles, roleTones } from "./UsersPage.tsx";

type Client = inferRouterClient<AppRouter>;
type Token = Awaited<ReturnType<Client["tokens"]["list"]["query"]>>[number];
type Created = Awaited<ReturnType<Client["tokens"]["create"]["mutate"]>>;
type Role = Token["role"];

export function TokensPage() {
  const user = useUser();
  const trpc = useTRPC();
  const now = useNow();
  // Live, so "last used" moves while machine clients call.
  const tokens = useQuery({
    ...trpc.tokens.list.queryOptions(),
    enabled: user.role === "admin",
    refetchInterval: LIVE_INTERVAL_MS,
  });
  const [created, setCreated] = useState<Created | null>(null);

  if (user.role !== "admin") {
    return (
      <section aria-labelledby="tokens-heading">
        <PageHeader id="tokens-heading" title="API tokens" />
        <EmptyState title="Needs the admin role">Ask an admin for a token for your service.</EmptyState>
      </section>
    );
  }
  const rows = tokens.data ?? [];

  return (
    <section aria-labelledby="tokens-heading">
      <PageHeader
        id="tokens-heading"
        title="API tokens"
        subtitle={
          <>
            For machine clients: send <code>Authorization: Bearer shk_…</code>, or pass <code>token</code> to{" "}
            <code>createSynchubClient</code>. A token acts with its role, limited to the procedures it names
            if it names any.
          </>
        }
      />
      {created ? <NewToken created={created} onDone={() => setCreated(null)} /> : null}
      <CreateTokenForm onCreated={setCreated} />

      <h2 id="token-list-heading" className="section-heading">
        Tokens
      </h2>
      {tokens.isError ? <ErrorBanner>Could not load tokens: {errorMessage(tokens.error)}</ErrorBanner> : null}
      {tokens.isPending ? (
        <Loading label="Loading tokens…" />
      ) : rows.length === 0 ? (
        <EmptyState title="No API tokens yet">
          Create one above for each service that calls synchub.
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table-middle" aria-labelledby="token-list-heading">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Token</th>
                <th scope="col">Role</th>
                <th scope="col">Created</th>
                <th scope="col">Last used</th>
                <th scope="col">Status</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((token) => (
                <TokenRow key={token.id} token={token} now={now} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function NewToken({ created, onDone }: { created: Created; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  const boxId = useId();
  return (
    <section className="card token-reveal" aria-labelledby={`${boxId}-title`}>
      <p className="state-title" id={`${boxId}-title`}>
        Token “{created.name}” created ({created.role})
      </p>
      <p className="alert token-warning">
        Copy it now: this is the only time synchub shows it. Only its hash is stored, so a lost token cannot
        be recovered; revoke it and create another.
      </p>
      <div className="token-copy">
        <input
          id={boxId}
          className="token-secret"
          readOnly
          value={created.token}
          aria-label="New API token"
          data-testid="new-token"
          onFocus={(event) => event.currentTarget.select()}
        />
        <button
          type="button"
          className="button button-primary"
          onClick={async () => {
            await navigator.clipboard?.writeText(created.token);
            setCopied(true);
          }}
        >
          {copied ? "Copied" : "Copy"}
        </button>
        <button type="button" className="button button-ghost" onClick={onDone}>
          I have stored it
        </button>
      </div>
    </section>
  );
}

function CreateTokenForm({ onCreated }: { onCreated: (created: Created) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const ids = { name: useId(), procedures: useId() };
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("operator");
  // Comma-separated procedure names; empty: every procedure the role allows.
  const [procedures, setProcedures] = useState("");
  const create = useMutation(
    trpc.tokens.create.mutationOptions({
      onSuccess: async (created) => {
        onCreated(created);
        setName("");
        setProcedures("");
        await queryClient.invalidateQueries({ queryKey: trpc.tokens.pathKey() });
      },
    }),
  );
  const issues = issuesOf(create.error);
  const procedureIssue = Object.entries(issues).find(([path]) => path.startsWith("procedures"))?.[1];
  const otherError = create.error && Object.keys(issues).length === 0 ? create.error : null;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const scope = procedures
      .split(",")
      .map((procedure) => procedure.trim())
      .filter(Boolean);
    create.mutate(scope.length > 0 ? { name, role, procedures: scope } : { name, role });
  }

  return (
    <form className="card inline-form" onSubmit={submit} aria-label="Create a token" noValidate>
      <h2 className="state-title">Create a token</h2>
      {otherError ? <ErrorBanner>{errorMessage(otherError)}</ErrorBanner> : null}
      <div className="form-row">
        <div className="field field-grow">
          <label htmlFor={ids.name}>Name (which service uses it)</label>
          <input
            id={ids.name}
            name="name"
            autoComplete="off"
            placeholder="billing-service"
            value={name}
            onChange={(event) => setName(event.target.value)}
            aria-invalid={issues.name ? true : undefined}
            aria-describedby={issues.name ? `${ids.name}-issue` : undefined}
          />
          {issues.name ? (
            <span id={`${ids.name}-issue`} className="field-issue" role="alert">
              {issues.name}
            </span>
          ) : null}
        </div>
        <SelectField
          label="Role"
          value={role}
          options={roles}
          onChange={(value) => value && setRole(value)}
        />
      </div>
      <div className="field">
        <label htmlFor={ids.procedures}>Only these procedures (optional, comma-separated)</label>
        <input
          id={ids.procedures}
          name="procedures"
          autoComplete="off"
          placeholder="quotas.consume"
          value={procedures}
          onChange={(event) => setProcedures(event.target.value)}
          aria-invalid={procedureIssue ? true : undefined}
          aria-describedby={procedureIssue ? `${ids.procedures}-issue` : undefined}
        />
        {procedureIssue ? (
          <span id={`${ids.procedures}-issue`} className="field-issue" role="alert">
            {procedureIssue}
          </span>
        ) : null}
      </div>
      <div className="button-row button-row-start">
        <button type="submit" className="button button-primary" disabled={create.isPending}>
          {create.isPending ? "Creating…" : "Create token"}
        </button>
      </div>
    </form>
  );
}

function TokenRow({ token, now }: { token: Token; now: number }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const revoke = useMutation(
    trpc.tokens.revoke.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.tokens.pathKey() }),
    }),
  );
  const revoked = token.revoked_at !== null;
  return (
    <tr className={revoked ? "row-paused" : undefined}>
      <td>
        <strong>{token.name}</strong>
        <div className="cell-note">by {token.created_by}</div>
        {revoke.error ? <div className="cell-note text-danger">{errorMessage(revoke.error)}</div> : null}
      </td>
      <td>
        <code>{token.prefix}…</code>
      </td>
      <td>
        <Badge value={token.role} tone={roleTones[token.role]} />
        {token.procedures ? <div className="cell-note">only {token.procedures.join(", ")}</div> : null}
      </td>
      <td>
        <TimeAgo date={token.created_at} now={now} />
      </td>
      <td>
        <TimeAgo date={token.last_used_at} now={now} />
      </td>
      <td>
        {revoked ? (
          <>
            <Badge value="revoked" tone="danger" /> <TimeAgo date={token.revoked_at} now={now} />
          </>
        ) : (
          <Badge value="active" />
        )}
      </td>
      <td className="actions">
        {revoked ? null : (
          <ConfirmButton
            label="Revoke"
            confirmLabel="Revoke now"
            pendingLabel="Revoking…"
            target={token.name}
            pending={revoke.isPending}
            onConfirm={() => revoke.mutate({ id: token.id })}
          />
        )}
      </td>
    </tr>
  );
}

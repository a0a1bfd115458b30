import { useMutation, useQueryClient } from "@tanstack/react-query";
import { type ColumnDef, createColumnHelper } from "@tanstack/react-table";
import { ActionNote, Badge, ConfirmButton, TimeAgo } from "../../components/ui.tsx";
import type { RouterOutputs } from "../../trpc.ts";
import { errorMessage, useTRPC } from "../../trpc.ts";
import { roleTones } from "../users/roles.ts";

export type Token = RouterOutputs["tokens"]["list"][number];

const column = createColumnHelper<Token>();

export function tokenColumns(now: number): ColumnDef<Token, never>[] {
  return [
    column.accessor("name", {
      header: "Name",
      cell: ({ row: { original: token } }) => (
        <>
          <strong>{token.name}</strong>
          <div className="cell-note">by {token.created_by}</div>
        </>
      ),
    }),
    column.accessor("prefix", { header: "Token", cell: ({ getValue }) => <code>{getValue()}…</code> }),
    column.accessor("role", {
      header: "Role",
      cell: ({ row: { original: token } }) => (
        <>
          <Badge value={token.role} tone={roleTones[token.role]} />
          {token.procedures ? <div className="cell-note">only {token.procedures.join(", ")}</div> : null}
        </>
      ),
    }),
    column.accessor("created_at", {
      header: "Created",
      cell: ({ getValue }) => <TimeAgo date={getValue()} now={now} />,
    }),
    column.accessor("last_used_at", {
      header: "Last used",
      cell: ({ getValue }) => <TimeAgo date={getValue()} now={now} />,
    }),
    column.accessor("revoked_at", {
      header: "Status",
      cell: ({ getValue }) => {
        const revokedAt = getValue();
        return revokedAt ? (
          <>
            <Badge value="revoked" tone="danger" /> <TimeAgo date={revokedAt} now={now} />
          </>
        ) : (
          <Badge value="active" />
        );
      },
    }),
    column.display({
      id: "actions",
      header: "Actions",
      cell: ({ row: { original: token } }) => (token.revoked_at ? null : <RevokeButton token={token} />),
    }),
  ] as ColumnDef<Token, never>[];
}

function RevokeButton({ token }: { token: Token }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const revoke = useMutation(
    trpc.tokens.revoke.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.tokens.pathKey() }),
    }),
  );
  return (
    <>
      <ConfirmButton
        label="Revoke"
        confirmLabel="Revoke now"
        pendingLabel="Revoking…"
        target={token.name}
        pending={revoke.isPending}
        onConfirm={() => revoke.mutate({ id: token.id })}
      />
      <ActionNote error={revoke.error ? errorMessage(revoke.error) : null} notice={null} />
    </>
  );
}

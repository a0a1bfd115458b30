import { type ColumnDef, createColumnHelper } from "@tanstack/react-table";
import { Badge, TimeAgo } from "../../components/ui.tsx";
import type { RouterOutputs } from "../../trpc.ts";
import { DeleteUserButton } from "./DeleteUserButton.tsx";
import { RoleForm } from "./RoleForm.tsx";
import { roleTones } from "./roles.ts";

export type Account = RouterOutputs["users"]["list"][number];

const column = createColumnHelper<Account>();
const selfNote = "You cannot change or delete your own account";

export function userColumns(now: number, selfId: string): ColumnDef<Account, never>[] {
  return [
    column.accessor("username", {
      header: "Username",
      cell: ({ row: { original: account } }) => (
        <>
          <strong>{account.username}</strong>{" "}
          {account.id === selfId ? <span className="muted">(you)</span> : null}
        </>
      ),
    }),
    column.accessor("role", {
      header: "Role",
      cell: ({ row: { original: account } }) =>
        account.id === selfId ? (
          <Badge value={account.role} tone={roleTones[account.role]} title={selfNote} />
        ) : (
          <RoleForm id={account.id} username={account.username} role={account.role} />
        ),
    }),
    column.accessor("created_at", {
      header: "Created",
      cell: ({ getValue }) => <TimeAgo date={getValue()} now={now} />,
    }),
    column.display({
      id: "actions",
      header: "Actions",
      cell: ({ row: { original: account } }) => (
        <DeleteUserButton account={account} self={account.id === selfId} selfNote={selfNote} />
      ),
    }),
  ] as ColumnDef<Account, never>[];
}

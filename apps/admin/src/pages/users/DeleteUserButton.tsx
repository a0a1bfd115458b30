import { useMutation, useQueryClient } from "@tanstack/react-query";
import { ActionNote, ConfirmButton } from "../../components/ui.tsx";
import { errorMessage, useTRPC } from "../../trpc.ts";

export function DeleteUserButton({
  account,
  self,
  selfNote,
}: {
  account: { id: string; username: string };
  self: boolean;
  selfNote: string;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const remove = useMutation(
    trpc.users.delete.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.users.pathKey() }),
    }),
  );
  return (
    <>
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
      <ActionNote error={remove.error ? errorMessage(remove.error) : null} notice={null} />
    </>
  );
}

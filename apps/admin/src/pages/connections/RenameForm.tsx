import { renameConnectionSchema } from "@synchub/api/schemas";
import { useMutation } from "@tanstack/react-query";
import { Form, SubmitButton, TextField } from "../../components/form/fields.tsx";
import { showServerErrors, useZodForm } from "../../components/form/useZodForm.ts";
import { ActionNote, useFlashNotice } from "../../components/ui.tsx";
import { useTRPC } from "../../trpc.ts";
import type { ConnectionDetail } from "./types.ts";
import { useRefreshConnections } from "./useRefreshConnection.ts";

const renameFormSchema = renameConnectionSchema.omit({ id: true });

export function RenameForm({ connection }: { connection: ConnectionDetail }) {
  const trpc = useTRPC();
  const refresh = useRefreshConnections();
  const [notice, setNotice] = useFlashNotice(6_000);
  const form = useZodForm(renameFormSchema, { defaultValues: { name: connection.name } });
  const rename = useMutation(trpc.connections.rename.mutationOptions({ onSuccess: refresh }));
  return (
    <Form
      form={form}
      label="Rename the connection"
      onSubmit={async (values) => {
        try {
          const renamed = await rename.mutateAsync({ id: connection.id, ...values });
          form.reset({ name: renamed.name });
          setNotice(`Renamed to “${renamed.name}”`);
        } catch (error) {
          showServerErrors(form, error);
        }
      }}
    >
      <div className="form-row">
        <TextField<{ name: string }> name="name" label="Name" />
      </div>
      <div className="button-row button-row-start">
        <SubmitButton pending={form.formState.isSubmitting} pendingLabel="Renaming…" className="button">
          Rename
        </SubmitButton>
        <ActionNote error={null} notice={notice} />
      </div>
    </Form>
  );
}

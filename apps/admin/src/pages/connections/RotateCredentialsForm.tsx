import { type ProviderId, rotateCredentialsSchemaFor } from "@synchub/api/schemas";
import { useMutation } from "@tanstack/react-query";
import { useMemo } from "react";
import type { z } from "zod";
import { Form, SubmitButton } from "../../components/form/fields.tsx";
import { showServerErrors, useZodForm } from "../../components/form/useZodForm.ts";
import { ActionNote, useFlashNotice } from "../../components/ui.tsx";
import { useTRPC } from "../../trpc.ts";
import { CredentialFields, emptyCredentials } from "./credentialFields.tsx";
import type { ConnectionDetail } from "./types.ts";
import { useRefreshConnections } from "./useRefreshConnection.ts";

type RotateInput = z.input<ReturnType<typeof rotateCredentialsSchemaFor>>;

/**
 * Write-only: the stored secret is never read back (the API has no way to), the fields start empty
 * and empty themselves again once the new secret is stored.
 */
export function RotateCredentialsForm({ connection }: { connection: ConnectionDetail }) {
  const trpc = useTRPC();
  const refresh = useRefreshConnections();
  const [notice, setNotice] = useFlashNotice(8_000);
  const provider = connection.provider as ProviderId;
  // The provider's own fields and messages; the schema has refinements, so the id stays in the values.
  const schema = useMemo(() => rotateCredentialsSchemaFor(provider), [provider]);
  const empty: RotateInput = { id: connection.id, credentials: emptyCredentials(provider) };
  const form = useZodForm(schema, { defaultValues: empty });
  const rotate = useMutation(trpc.connections.rotateCredentials.mutationOptions({ onSuccess: refresh }));
  return (
    <Form
      form={form}
      label="Rotate credentials"
      onSubmit={async (values) => {
        try {
          await rotate.mutateAsync(values);
          form.reset(empty);
          setNotice("Credentials replaced: the old ones are gone, the next sync uses the new ones");
        } catch (error) {
          showServerErrors(form, error);
        }
      }}
    >
      <div className="form-row">
        <CredentialFields<RotateInput> provider={provider} />
      </div>
      <div className="button-row button-row-start">
        <SubmitButton
          pending={form.formState.isSubmitting}
          pendingLabel="Replacing…"
          className="button button-danger"
        >
          Replace credentials
        </SubmitButton>
        <ActionNote error={null} notice={notice} />
      </div>
    </Form>
  );
}

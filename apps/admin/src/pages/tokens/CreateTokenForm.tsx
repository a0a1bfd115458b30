import { createTokenSchema } from "@synchub/api/schemas";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ChoiceField, Form, SubmitButton, TextField } from "../../components/form/fields.tsx";
import { showServerErrors, useZodForm } from "../../components/form/useZodForm.ts";
import type { RouterOutputs } from "../../trpc.ts";
import { useTRPC } from "../../trpc.ts";
import { roleLabels, roles } from "../users/roles.ts";
import styles from "./Tokens.module.css";

export type Created = RouterOutputs["tokens"]["create"];

/**
 * A new API token (`tokens.create`): a name, a role and, optionally, the only procedures it may
 * call. No procedure field means every procedure the role allows (the schema has no empty list).
 */
export function CreateTokenForm({ onCreated }: { onCreated: (created: Created) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const create = useMutation(trpc.tokens.create.mutationOptions());
  const form = useZodForm(createTokenSchema, {
    defaultValues: { name: "", role: "operator", procedures: undefined },
  });
  // How many procedure fields are shown; their values live in the form.
  const [procedureFields, setProcedureFields] = useState(0);

  function removeProcedure(index: number) {
    const list = [...(form.getValues("procedures") ?? [])];
    list.splice(index, 1);
    form.unregister(`procedures.${list.length}`);
    form.setValue("procedures", list.length > 0 ? list : undefined);
    form.clearErrors("procedures");
    setProcedureFields(list.length);
  }

  return (
    <Form
      form={form}
      label="Create a token"
      className="card inline-form"
      onSubmit={async (values) => {
        try {
          const created = await create.mutateAsync(values);
          onCreated(created);
          form.reset({ name: "", role: "operator", procedures: undefined });
          setProcedureFields(0);
          await queryClient.invalidateQueries({ queryKey: trpc.tokens.pathKey() });
        } catch (error) {
          showServerErrors(form, error);
        }
      }}
    >
      <h2 className="state-title">Create a token</h2>
      <div className={styles.formRow}>
        <TextField
          name="name"
          label="Name (which service uses it)"
          placeholder="billing-service"
          autoComplete="off"
          className="field-grow"
        />
        <ChoiceField name="role" label="Role" options={roles} labels={roleLabels} />
      </div>
      <fieldset className={styles.procedures}>
        <legend>Only these procedures (optional)</legend>
        <p className="form-note">
          {procedureFields === 0
            ? "None named: the token may call every procedure its role allows."
            : "The token may call these and nothing else."}
        </p>
        {Array.from({ length: procedureFields }, (_, index) => (
          <div key={index} className={styles.procedureRow}>
            <TextField
              name={`procedures.${index}`}
              label={`Procedure ${index + 1}`}
              placeholder="quotas.consume"
              autoComplete="off"
              className="field-grow"
            />
            <button
              type="button"
              className="button button-ghost button-small"
              aria-label={`Remove procedure ${index + 1}`}
              onClick={() => removeProcedure(index)}
            >
              Remove
            </button>
          </div>
        ))}
        {form.formState.errors.procedures?.message ? (
          <span className="field-issue" role="alert">
            {form.formState.errors.procedures.message}
          </span>
        ) : null}
        <button
          type="button"
          className="button button-small"
          onClick={() => {
            form.setValue(`procedures.${procedureFields}`, "");
            setProcedureFields(procedureFields + 1);
          }}
        >
          Add a procedure
        </button>
      </fieldset>
      <div className="button-row button-row-start">
        <SubmitButton pending={create.isPending} pendingLabel="Creating…">
          Create token
        </SubmitButton>
      </div>
    </Form>
  );
}

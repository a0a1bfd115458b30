import { createConnectionSchema, providerIds } from "@synchub/api/schemas";
import { useEffect } from "react";
import type { z } from "zod";
import { ChoiceField, Form, SubmitButton, TextField } from "../../components/form/fields.tsx";
import { showServerErrors, useZodForm } from "../../components/form/useZodForm.ts";
import styles from "./connections.module.css";
import { CredentialFields, emptyCredentials } from "./credentialFields.tsx";

export type NewConnection = z.output<typeof createConnectionSchema>;
type NewConnectionInput = z.input<typeof createConnectionSchema>;

/**
 * The new-connection form, checked by `connections.create`'s own schema before anything is sent:
 * the credential fields follow the provider picked. `onSubmit` sends it; a rejection it throws
 * shows under the fields the server names, and a success empties the form.
 */
export function CreateConnectionForm({
  tenants,
  onSubmit,
  onCancel,
}: {
  tenants: readonly { id: string; name: string }[];
  onSubmit: (values: NewConnection) => Promise<unknown>;
  onCancel?: () => void;
}) {
  const defaultValues: NewConnectionInput = {
    tenantId: "",
    provider: "openai",
    name: "",
    baseUrl: "",
    credentials: emptyCredentials("openai"),
  };
  // Checked on submit, then as it is corrected: a message appearing on blur would move the submit
  // button away from under a click that is already under way.
  const form = useZodForm(createConnectionSchema, { defaultValues, mode: "onSubmit" });
  const provider = form.watch("provider");
  // Another provider asks for other secrets: none typed for the last one is kept or sent.
  useEffect(() => {
    form.setValue("credentials", emptyCredentials(provider));
    form.clearErrors("credentials");
  }, [provider, form]);

  return (
    <Form
      form={form}
      label="New connection"
      onSubmit={async (values) => {
        try {
          await onSubmit(values);
          form.reset(defaultValues);
        } catch (error) {
          showServerErrors(form, error);
        }
      }}
    >
      <div className="form-row">
        <ChoiceField<NewConnectionInput>
          name="tenantId"
          label="Tenant"
          options={tenants.map((tenant) => tenant.id)}
          labels={Object.fromEntries(tenants.map((tenant) => [tenant.id, tenant.name]))}
          emptyLabel="Pick a tenant"
        />
        <ChoiceField<NewConnectionInput> name="provider" label="Provider" options={providerIds} />
        <TextField<NewConnectionInput> name="name" label="Name" placeholder="e.g. Acme research" />
        <TextField<NewConnectionInput>
          name="baseUrl"
          label="Base URL"
          type="url"
          placeholder="https://api.example.com"
          hint="Empty: the provider's public API."
        />
      </div>
      <fieldset className={styles.fieldset}>
        <legend className={styles.legend}>Credentials (stored encrypted, never shown again)</legend>
        <div className="form-row">
          <CredentialFields<NewConnectionInput> provider={provider} />
        </div>
      </fieldset>
      <div className="button-row button-row-start">
        <SubmitButton pending={form.formState.isSubmitting} pendingLabel="Creating…">
          Create connection
        </SubmitButton>
        {onCancel ? (
          <button type="button" className="button button-ghost" onClick={onCancel}>
            Cancel
          </button>
        ) : null}
      </div>
    </Form>
  );
}

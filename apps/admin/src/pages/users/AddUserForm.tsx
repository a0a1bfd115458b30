import { createUserSchema } from "@synchub/api/schemas";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { ChoiceField, Form, SubmitButton, TextField } from "../../components/form/fields.tsx";
import { showServerErrors, useZodForm } from "../../components/form/useZodForm.ts";
import { useTRPC } from "../../trpc.ts";
import { roleLabels, roles } from "./roles.ts";
import styles from "./Users.module.css";

/** A new console account (`users.create`), checked by the procedure's own schema as it is typed. */
export function AddUserForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [added, setAdded] = useState<string | null>(null);
  const create = useMutation(trpc.users.create.mutationOptions());
  const form = useZodForm(createUserSchema, {
    defaultValues: { username: "", password: "", role: "viewer" },
  });
  return (
    <Form
      form={form}
      label="Add a user"
      className="card inline-form"
      onSubmit={async (values) => {
        setAdded(null);
        try {
          const user = await create.mutateAsync(values);
          setAdded(user.username);
          form.reset();
          await queryClient.invalidateQueries({ queryKey: trpc.users.pathKey() });
        } catch (error) {
          showServerErrors(form, error);
        }
      }}
    >
      <h2 className="state-title">Add a user</h2>
      <div className={styles.formRow}>
        <TextField name="username" label="Username" autoComplete="off" />
        <TextField
          name="password"
          label="Password (8+ characters)"
          type="password"
          autoComplete="new-password"
        />
        <ChoiceField name="role" label="Role" options={roles} labels={roleLabels} />
      </div>
      <div className="button-row button-row-start">
        <SubmitButton pending={create.isPending} pendingLabel="Adding…">
          Add user
        </SubmitButton>
        {added ? <output className="text-success form-note">Added {added}.</output> : null}
      </div>
    </Form>
  );
}

import { setUserRoleSchema } from "@synchub/api/schemas";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { ChoiceField, Form, SubmitButton } from "../../components/form/fields.tsx";
import { showServerErrors, useZodForm } from "../../components/form/useZodForm.ts";
import { useTRPC } from "../../trpc.ts";
import { type Role, roles } from "./roles.ts";
import styles from "./Users.module.css";

const roleForm = setUserRoleSchema.omit({ id: true });

/** Changes one account's role (`users.setRole`); the button shows once another role is picked. */
export function RoleForm({ id, username, role }: { id: string; username: string; role: Role }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const setRole = useMutation(trpc.users.setRole.mutationOptions());
  const form = useZodForm(roleForm, { values: { role } });
  return (
    <Form
      form={form}
      label={`Change role: ${username}`}
      className={styles.inlineForm}
      onSubmit={async (values) => {
        try {
          await setRole.mutateAsync({ id, ...values });
          await queryClient.invalidateQueries({ queryKey: trpc.users.pathKey() });
        } catch (error) {
          showServerErrors(form, error);
        }
      }}
    >
      <ChoiceField name="role" label={`Role of ${username}`} options={roles} />
      {form.formState.isDirty ? (
        <SubmitButton
          pending={setRole.isPending}
          pendingLabel="Saving…"
          className="button button-small button-primary"
        >
          Change role
        </SubmitButton>
      ) : null}
    </Form>
  );
}

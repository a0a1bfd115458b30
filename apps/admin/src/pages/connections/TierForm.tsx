import { setTenantTierSchema, type Tier, tiers } from "@synchub/api/schemas";
import { useMutation } from "@tanstack/react-query";
import { ChoiceField, Form, SubmitButton } from "../../components/form/fields.tsx";
import { showServerErrors, useZodForm } from "../../components/form/useZodForm.ts";
import { ActionNote, useFlashNotice } from "../../components/ui.tsx";
import { duration } from "../../format.ts";
import { useTRPC } from "../../trpc.ts";
import type { ConnectionDetail } from "./types.ts";
import { useRefreshConnections } from "./useRefreshConnection.ts";

const tierFormSchema = setTenantTierSchema.omit({ id: true });

/** The tier is the tenant's: changing it here changes the interval of every one of its connections. */
export function TierForm({ connection }: { connection: ConnectionDetail }) {
  const trpc = useTRPC();
  const refresh = useRefreshConnections();
  const [notice, setNotice] = useFlashNotice(8_000);
  const form = useZodForm(tierFormSchema, { defaultValues: { tier: connection.tier as Tier } });
  const setTier = useMutation(trpc.tenants.setTier.mutationOptions({ onSuccess: refresh }));
  return (
    <Form
      form={form}
      label="Change the tenant's tier"
      onSubmit={async (values) => {
        try {
          const tenant = await setTier.mutateAsync({ id: connection.tenant_id, ...values });
          form.reset({ tier: tenant.tier as Tier });
          setNotice(
            `${tenant.name} is now ${tenant.tier}: each of its connections syncs every ${duration(tenant.interval_ms)}`,
          );
        } catch (error) {
          showServerErrors(form, error);
        }
      }}
    >
      <div className="form-row">
        <ChoiceField<{ tier: Tier }>
          name="tier"
          label={`Tier of ${connection.tenant_name}`}
          options={tiers}
          hint={`Changes every connection of ${connection.tenant_name}, not only this one.`}
        />
      </div>
      <div className="button-row button-row-start">
        <SubmitButton pending={form.formState.isSubmitting} pendingLabel="Changing…" className="button">
          Change tier
        </SubmitButton>
        <ActionNote error={null} notice={notice} />
      </div>
    </Form>
  );
}

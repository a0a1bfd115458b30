import { providerSettingsSchema } from "@synchub/api/schemas";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Form, SubmitButton, TextField } from "../../components/form/fields.tsx";
import { showServerErrors, useZodForm } from "../../components/form/useZodForm.ts";
import { useTRPC } from "../../trpc.ts";
import styles from "./RateLimits.module.css";
import type { ProviderSettings } from "./types.ts";

/** A provider's pace and concurrency (`rateLimits.updateProvider`), checked by its own schema. */
export function ProviderSettingsForm({ row, onClose }: { row: ProviderSettings; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [saved, setSaved] = useState(false);
  const update = useMutation(trpc.rateLimits.updateProvider.mutationOptions());
  const form = useZodForm(providerSettingsSchema, {
    defaultValues: {
      provider: row.provider,
      minIntervalMs: row.min_interval_ms,
      hourlyCap: row.hourly_cap,
      maxConcurrency: row.max_concurrency,
    },
  });
  return (
    <Form
      form={form}
      label={`Settings of ${row.provider}`}
      className="inline-form"
      onSubmit={async (values) => {
        setSaved(false);
        try {
          await update.mutateAsync(values);
          setSaved(true);
          await queryClient.invalidateQueries({ queryKey: trpc.rateLimits.pathKey() });
        } catch (error) {
          showServerErrors(form, error);
        }
      }}
    >
      <div className={styles.formRow}>
        <TextField name="minIntervalMs" label="Min interval (ms)" numeric inputMode="numeric" />
        <TextField name="hourlyCap" label="Hourly cap (calls)" numeric inputMode="numeric" />
        <TextField name="maxConcurrency" label="Max concurrency (syncs)" numeric inputMode="numeric" />
      </div>
      <div className="button-row button-row-start">
        <SubmitButton pending={update.isPending} pendingLabel="Saving…">
          Save
        </SubmitButton>
        <button type="button" className="button button-ghost" onClick={onClose}>
          {saved ? "Close" : "Cancel"}
        </button>
        {saved ? (
          <output className="text-success form-note">
            Saved: workers pace with the new settings from their next call.
          </output>
        ) : null}
      </div>
    </Form>
  );
}

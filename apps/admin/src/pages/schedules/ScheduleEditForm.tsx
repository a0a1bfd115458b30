import { missedPolicies, schedulePreviewSchema, scheduleUpdateSchema } from "@synchub/api/schemas";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useDeferredValue, useEffect } from "react";
import { useWatch } from "react-hook-form";
import type { z } from "zod";
import { ChoiceField, Form, SubmitButton, TextField } from "../../components/form/fields.tsx";
import { showServerErrors, useZodForm } from "../../components/form/useZodForm.ts";
import { useFlashNotice } from "../../components/ui.tsx";
import { errorMessage, useTRPC } from "../../trpc.ts";
import { CronField } from "./CronField.tsx";
import { NextRuns } from "./NextRuns.tsx";
import styles from "./Schedules.module.css";
import { policyLabels, type ScheduleDetail } from "./types.ts";

/** The form edits everything but the id, which comes from the page. */
const editSchema = scheduleUpdateSchema.omit({ id: true, enabled: true });
type EditValues = z.input<typeof editSchema>;

const policyChoices = Object.fromEntries(
  missedPolicies.map((policy) => [policy, `${policy}: ${policyLabels[policy]}`]),
);

function valuesOf(schedule: ScheduleDetail): EditValues {
  return {
    cron: schedule.cron,
    timeZone: schedule.time_zone,
    missedPolicy: schedule.missed_policy,
    catchUpCap: schedule.catch_up_cap,
  };
}

/** Cron, zone and missed-run policy, with the next runs the values typed would give. */
export function ScheduleEditForm({ schedule, canEdit }: { schedule: ScheduleDetail; canEdit: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [saved, setSaved] = useFlashNotice(6_000);
  // Every problem of the cron expression, not only its first, reaches CronField.
  const form = useZodForm(editSchema, { defaultValues: valuesOf(schedule), criteriaMode: "all" });
  const update = useMutation(trpc.schedules.update.mutationOptions());
  // Another admin's save shows up in an untouched form; one being edited is left alone. (Not a
  // remount keyed by the values: that would also wipe the "Saved" notice of our own save.)
  const savedValues = JSON.stringify(valuesOf(schedule));
  useEffect(() => {
    if (!form.formState.isDirty) form.reset(JSON.parse(savedValues) as EditValues);
  }, [savedValues, form]);
  const [cron, timeZone, policy] = useWatch({
    control: form.control,
    name: ["cron", "timeZone", "missedPolicy"],
  });

  // The preview asks the server only for values the schema accepts; the fields say what is wrong otherwise.
  const previewInput = schedulePreviewSchema.safeParse({
    cron: useDeferredValue(cron),
    timeZone: useDeferredValue(timeZone),
    count: 5,
  });
  const preview = useQuery({
    ...trpc.schedules.preview.queryOptions(
      previewInput.success ? previewInput.data : { cron: "", timeZone: "" },
    ),
    enabled: previewInput.success,
    retry: false,
    placeholderData: (previous) => previous,
  });

  async function save(values: z.output<typeof editSchema>) {
    setSaved(null);
    try {
      const updated = await update.mutateAsync({ id: schedule.id, ...values });
      form.reset(valuesOf({ ...schedule, ...updated }));
      setSaved("Saved: the next tick follows the new settings.");
      await queryClient.invalidateQueries({ queryKey: trpc.schedules.pathKey() });
    } catch (error) {
      showServerErrors(form, error);
    }
  }

  return (
    <Form form={form} onSubmit={save} className="card schedule-form" label="Edit schedule">
      <h2>Edit</h2>
      {!canEdit ? <p className="muted">Editing needs the admin role.</p> : null}
      <div className="form-row">
        <CronField<EditValues>
          name="cron"
          label="Cron (minute hour day month weekday)"
          hint="e.g. */15 * * * * or 0 3 * * mon-fri"
          disabled={!canEdit}
        />
        <TextField<EditValues>
          name="timeZone"
          label="Time zone (IANA)"
          hint="e.g. UTC or Europe/Berlin"
          disabled={!canEdit}
        />
        <ChoiceField<EditValues>
          name="missedPolicy"
          label="Missed runs"
          options={missedPolicies}
          labels={policyChoices}
          disabled={!canEdit}
        />
        <TextField<EditValues>
          name="catchUpCap"
          label="Catch-up cap"
          numeric
          inputMode="numeric"
          hint={policy === "all" ? "At most 100" : "Only the “all” policy catches up more than once"}
          disabled={!canEdit || policy !== "all"}
        />
      </div>

      <div className={`preview ${styles.preview}`} aria-live="polite">
        <h3>Next runs with these settings</h3>
        {!previewInput.success ? (
          <p className="muted">Fix the highlighted field to see the next runs.</p>
        ) : preview.isError ? (
          <p className="text-danger">{errorMessage(preview.error)}</p>
        ) : preview.data ? (
          <NextRuns dates={preview.data.nextRuns} timeZone={previewInput.data.timeZone} />
        ) : (
          <p className="muted">Computing…</p>
        )}
      </div>

      {canEdit ? (
        <div className="button-row">
          <SubmitButton pending={form.formState.isSubmitting} pendingLabel="Saving…">
            Save
          </SubmitButton>
          {form.formState.isDirty ? (
            <button
              type="button"
              className="button button-ghost"
              onClick={() => {
                form.reset(valuesOf(schedule));
                setSaved(null);
              }}
            >
              Reset
            </button>
          ) : saved ? (
            <output className="text-success">{saved}</output>
          ) : null}
        </div>
      ) : null}
    </Form>
  );
}

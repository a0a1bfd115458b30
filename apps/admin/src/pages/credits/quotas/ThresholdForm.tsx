import { nearLimitSchema } from "@synchub/api/schemas";
import { Form, SubmitButton, TextField } from "../../../components/form/fields.tsx";
import { useZodForm } from "../../../components/form/useZodForm.ts";
import styles from "../Credits.module.css";

const thresholdForm = nearLimitSchema.pick({ thresholdPercent: true });

/** The near-limit list's threshold, checked by quotas.nearLimit's schema and kept in the URL. */
export function ThresholdForm({
  threshold,
  onApply,
}: {
  threshold: number;
  onApply: (threshold: number | undefined) => void;
}) {
  const form = useZodForm(thresholdForm, { values: { thresholdPercent: threshold } });
  return (
    <Form
      form={form}
      label="Near-limit threshold"
      className={styles.inlineForm}
      onSubmit={(values) => onApply(values.thresholdPercent)}
    >
      <TextField name="thresholdPercent" label="Threshold (% of the limit)" numeric inputMode="decimal" />
      <SubmitButton pending={false} pendingLabel="Applying…" className="button">
        Apply
      </SubmitButton>
    </Form>
  );
}

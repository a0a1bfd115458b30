import { z } from "zod";
import { bigintId, requiredText } from "./fields.ts";

export const deadLetterStatuses = ["open", "replaying", "resolved", "discarded"] as const;

const ids = z
  .array(bigintId("Dead letter"))
  .min(1, "Select at least one dead letter")
  .max(1000, "Select at most 1,000 dead letters at once");
const fingerprint = z.string().regex(/^[0-9a-f]{16}$/, "A fingerprint is 16 hex characters");

/**
 * One dead letter, a selection, or everything with one fingerprint (`deadLetters.replay`). The
 * union's missing-field messages stay zod's own: the server's error names the branch the input
 * came closest to by them.
 */
export const deadLetterSelectionSchema = z.union([z.object({ ids }), z.object({ fingerprint })]);

/** The discard form: a selection and why (`deadLetters.discard`). */
export const discardDeadLettersSchema = z.intersection(
  deadLetterSelectionSchema,
  z.object({
    reason: requiredText("Say why these are discarded", 500).min(3, "Use at least 3 characters"),
  }),
);

/** The replay form is the selection alone. */
export const replayDeadLettersSchema = deadLetterSelectionSchema;

import { deadLetterStatuses } from "@synchub/api/schemas";
import { createFileRoute } from "@tanstack/react-router";
import { z } from "zod";
import { DeadLettersPage } from "../pages/deadLetters/DeadLettersPage.tsx";

/**
 * The Dead letters page's filters, kept in the URL. No status: open letters grouped by cause;
 * "any": every letter whatever its status; a fingerprint: one group's letters.
 */
const deadLettersSearch = z.object({
  status: z
    .enum([...deadLetterStatuses, "any"])
    .optional()
    .catch(undefined),
  fingerprint: z
    .string()
    .regex(/^[0-9a-f]{16}$/)
    .optional()
    .catch(undefined),
});

export type DeadLettersSearch = z.infer<typeof deadLettersSearch>;

export const Route = createFileRoute("/dead-letters")({
  staticData: { title: "Dead letters", nav: { label: "Dead letters", order: 50 } },
  validateSearch: deadLettersSearch,
  component: DeadLettersPage,
});

import { creditTasks } from "@synchub/api/schemas";
import { createFileRoute } from "@tanstack/react-router";
import { z } from "zod";
import { CreditsPage } from "../pages/credits/CreditsPage.tsx";

/**
 * The Credits & quotas page's filters, kept in the URL: which credit task's runs, the near-limit
 * threshold (percent of the limit; the page's default is 80) and the user whose quota is open.
 */
const creditsSearch = z.object({
  task: z.enum(creditTasks).optional().catch(undefined),
  threshold: z.number().min(0).max(1000).optional().catch(undefined),
  user: z.string().trim().min(1).max(200).optional().catch(undefined),
});

export const Route = createFileRoute("/credits")({
  staticData: { title: "Credits & quotas", nav: { label: "Credits & quotas", order: 70 } },
  validateSearch: creditsSearch,
  component: CreditsPage,
});

import { createFileRoute } from "@tanstack/react-router";
import { z } from "zod";
import { RateLimitsPage } from "../pages/rateLimits/RateLimitsPage.tsx";

/**
 * The Rate limits page's state kept in the URL: the provider whose settings are open. (The pacing
 * keys list, rateLimits.list, takes no filters.)
 */
const rateLimitsSearch = z.object({ edit: z.string().max(100).optional().catch(undefined) });

export const Route = createFileRoute("/rate-limits")({
  staticData: { title: "Rate limits", nav: { label: "Rate limits", order: 60 } },
  validateSearch: rateLimitsSearch,
  component: RateLimitsPage,
});

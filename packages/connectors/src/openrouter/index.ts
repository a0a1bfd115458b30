export {
  createOpenRouterCostsClient,
  type OpenRouterCostsClient,
  type OpenRouterCostsClientOptions,
  type OpenRouterCredits,
  openrouterActivityDays,
  openrouterDefaultBaseUrl,
} from "./client.ts";
export { mapActivity } from "./mapping.ts";
export {
  type ActivityItem,
  type ActivityResponse,
  activityItemSchema,
  activityResponseSchema,
  type CreditsResponse,
  creditsResponseSchema,
} from "./schemas.ts";

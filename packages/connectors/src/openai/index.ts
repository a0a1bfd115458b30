export { createOpenAICostsClient, type OpenAICostsClientOptions, openaiDefaultBaseUrl } from "./client.ts";
export { mapCostBuckets, unattributedLineItem } from "./mapping.ts";
export {
  type CostsBucket,
  type CostsPage,
  costsBucketSchema,
  costsPageSchema,
  costsResultSchema,
} from "./schemas.ts";

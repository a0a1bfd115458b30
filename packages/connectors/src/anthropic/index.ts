export {
  type AnthropicCostsClientOptions,
  anthropicDefaultBaseUrl,
  anthropicVersion,
  createAnthropicCostsClient,
} from "./client.ts";
export { mapCostReportBuckets, unattributedLineItem } from "./mapping.ts";
export {
  type CostReport,
  type CostReportBucket,
  type CostReportResult,
  costReportBucketSchema,
  costReportResultSchema,
  costReportSchema,
} from "./schemas.ts";

export {
  createVolcengineCostsClient,
  earliestBillPeriod,
  type VolcengineCostsClientOptions,
  volcengineDefaultBaseUrl,
  volcengineDefaultRegion,
} from "./client.ts";
export { addBillRows, billLineItem } from "./mapping.ts";
export {
  type BillDetail,
  billDetailSchema,
  type ListBillDetailResponse,
  listBillDetailResponseSchema,
} from "./schemas.ts";
export {
  canonicalQueryString,
  canonicalRequest,
  formatXDate,
  rfc3986Encode,
  signingKey,
  signVolcengineRequest,
  type VolcengineSignature,
  type VolcengineSignInput,
  volcengineAlgorithm,
  volcengineSignature,
} from "./sign.ts";

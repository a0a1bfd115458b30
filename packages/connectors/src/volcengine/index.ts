export {
  createVolcengineCostsClient,
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
  type VolcengineSignInput,
  volcengineAlgorithm,
} from "./sign.ts";

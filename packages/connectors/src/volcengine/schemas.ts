import { z } from "zod";
import { isDecimalString } from "../decimal.ts";

// Only the fields we use are required; unknown fields are ignored so additions on Volcano
// Engine's side do not break syncs.
export const billDetailSchema = z.object({
  BillPeriod: z.string().nullish(),
  /** Expense day, YYYY-MM-DD, when asked with GroupPeriod=1. */
  ExpenseDate: z.string().regex(/^\d{4}-\d{2}-\d{2}/, "expected a date starting YYYY-MM-DD"),
  Product: z.string().min(1),
  ProductZh: z.string().nullish(),
  Element: z.string().nullish(),
  ElementCode: z.string().nullish(),
  BillingMode: z.string().nullish(),
  PayableAmount: z.string().refine(isDecimalString, "expected a decimal string"),
  Currency: z.string().nullish(),
});

export const listBillDetailResponseSchema = z.object({
  ResponseMetadata: z.object({ RequestId: z.string().nullish() }).loose(),
  Result: z.object({
    List: z.array(billDetailSchema),
    Total: z.number().int(),
    Limit: z.number().int(),
    Offset: z.number().int(),
  }),
});

export type BillDetail = z.infer<typeof billDetailSchema>;
export type ListBillDetailResponse = z.infer<typeof listBillDetailResponseSchema>;

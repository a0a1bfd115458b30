import { addDecimalStrings, shiftDecimalString } from "../decimal.ts";
import type { CostLine } from "../types.ts";
import type { CostReportBucket } from "./schemas.ts";

export const unattributedLineItem = "unattributed";

/** Currencies whose lowest unit is not a hundredth; Anthropic reports only USD today. */
const minorUnitDigits: Record<string, number> = { JPY: 0, KRW: 0 };

/**
 * Maps cost report buckets to cost lines, one per (day, line item, currency). The line item is the
 * result's description ("Claude Sonnet 4 Usage - Input Tokens"); amounts come in the currency's
 * lowest unit and are converted to a decimal amount in the currency ("123.45" cents -> "1.2345").
 */
export function mapCostReportBuckets(buckets: readonly CostReportBucket[]): CostLine[] {
  const lines = new Map<string, CostLine>();
  for (const bucket of buckets) {
    const day = new Date(bucket.starting_at).toISOString().slice(0, 10);
    for (const result of bucket.results) {
      const lineItem = result.description ?? result.cost_type ?? unattributedLineItem;
      const currency = result.currency.toUpperCase();
      const amount = shiftDecimalString(result.amount, -(minorUnitDigits[currency] ?? 2));
      const key = JSON.stringify([day, lineItem, currency]);
      const existing = lines.get(key);
      if (existing) existing.amount = addDecimalStrings(existing.amount, amount);
      else lines.set(key, { day, lineItem, amount, currency });
    }
  }
  return [...lines.values()];
}

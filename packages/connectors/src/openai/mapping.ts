import { unixSecondsToDay } from "../days.ts";
import { addDecimalStrings, normalizeDecimalString, numberToDecimalString } from "../decimal.ts";
import type { CostLine } from "../types.ts";
import type { CostsBucket } from "./schemas.ts";

export const unattributedLineItem = "unattributed";

/**
 * Maps buckets to cost lines, one per (day, line item, currency): results that share a line item
 * (e.g. when OpenAI splits by project) are summed exactly so downstream upserts see unique keys.
 */
export function mapCostBuckets(buckets: readonly CostsBucket[]): CostLine[] {
  const lines = new Map<string, CostLine>();
  for (const bucket of buckets) {
    const day = unixSecondsToDay(bucket.start_time);
    for (const result of bucket.results) {
      if (!result.amount) continue;
      const lineItem = result.line_item ?? unattributedLineItem;
      const currency = result.amount.currency.toUpperCase();
      const { value } = result.amount;
      const amount = typeof value === "number" ? numberToDecimalString(value) : normalizeDecimalString(value);
      const key = JSON.stringify([day, lineItem, currency]);
      const existing = lines.get(key);
      if (existing) existing.amount = addDecimalStrings(existing.amount, amount);
      else lines.set(key, { day, lineItem, amount, currency });
    }
  }
  return [...lines.values()];
}

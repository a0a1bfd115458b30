import { addDecimalStrings, numberToDecimalString } from "../decimal.ts";
import type { CostLine } from "../types.ts";
import type { ActivityItem } from "./schemas.ts";

/**
 * Maps activity rows to cost lines, one per (day, model) in USD. Activity comes per endpoint, so a
 * model served by two providers on one day has two rows; they are summed exactly.
 */
export function mapActivity(items: readonly ActivityItem[]): CostLine[] {
  const lines = new Map<string, CostLine>();
  for (const item of items) {
    const day = item.date.slice(0, 10);
    const amount = numberToDecimalString(item.usage);
    const key = JSON.stringify([day, item.model]);
    const existing = lines.get(key);
    if (existing) existing.amount = addDecimalStrings(existing.amount, amount);
    else lines.set(key, { day, lineItem: item.model, amount, currency: "USD" });
  }
  return [...lines.values()];
}

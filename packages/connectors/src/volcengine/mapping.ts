import { addDecimalStrings, normalizeDecimalString } from "../decimal.ts";
import type { CostLine } from "../types.ts";
import type { BillDetail } from "./schemas.ts";

/** Line item of a bill row: product code and billing item, e.g. "ark, deepseek-v3 输入tokens". */
export function billLineItem(row: BillDetail): string {
  return row.Element ? `${row.Product}, ${row.Element}` : row.Product;
}

/**
 * Adds bill rows into `lines`, keyed by (day, line item, currency), summing payable amounts
 * exactly: the bill can split one billing item over several rows (billing modes, categories).
 */
export function addBillRows(lines: Map<string, CostLine>, rows: readonly BillDetail[]): void {
  for (const row of rows) {
    const day = row.ExpenseDate.slice(0, 10);
    const lineItem = billLineItem(row);
    const currency = (row.Currency || "CNY").toUpperCase();
    const amount = normalizeDecimalString(row.PayableAmount);
    const key = JSON.stringify([day, lineItem, currency]);
    const existing = lines.get(key);
    if (existing) existing.amount = addDecimalStrings(existing.amount, amount);
    else lines.set(key, { day, lineItem, amount, currency });
  }
}

/** One provider-reported cost for one UTC day and one line item. */
export interface CostLine {
  /** UTC day, YYYY-MM-DD. */
  day: string;
  /** Provider's line item, e.g. "gpt-4o, input"; "unattributed" when the provider gives none. */
  lineItem: string;
  /** Exact decimal string as reported (never float-formatted), e.g. "0.06". */
  amount: string;
  /** Upper-case ISO 4217 code, e.g. "USD". */
  currency: string;
}

export interface CostPagesInput {
  /** First UTC day to fetch, YYYY-MM-DD. */
  startDay: string;
  /** UTC day to stop before, YYYY-MM-DD (exclusive). (Default: tomorrow UTC, so today is included) */
  endDay?: string;
  signal?: AbortSignal;
  /**
   * Told, in a sentence for the run's history, about days in the range the provider does not serve
   * and that were therefore not asked for (e.g. bill months older than Volcano Engine keeps).
   * (Default: none)
   */
  onNotice?: (message: string) => void;
}

/** What every provider's costs client offers, so job code stays provider-agnostic. */
export interface CostsClient {
  /**
   * Yields one provider page at a time, already mapped. Within and across pages a
   * (day, lineItem, currency) appears at most once.
   */
  pages(input: CostPagesInput): AsyncIterable<CostLine[]>;
}

import { z } from "zod";

export const faultKinds = ["5xx", "timeout", "429", "latency", "malformed", "repeat-page"] as const;
export type FaultKind = (typeof faultKinds)[number];

// "page-repeat" is accepted as another spelling of "repeat-page".
const faultKindSchema = z
  .enum([...faultKinds, "page-repeat"])
  .transform((kind): FaultKind => (kind === "page-repeat" ? "repeat-page" : kind));

export const faultRequestSchema = z.object({
  key: z.string().min(1, "key is required: the API key (Volcano Engine: access key id) the fault applies to"),
  kind: faultKindSchema,
  count: z.number().int().min(1).max(1000).default(1),
  status: z.number().int().min(500).max(599).default(503),
  retryAfterSeconds: z.number().int().min(0).max(86_400).default(1),
  latencyMs: z.number().int().min(0).max(600_000).default(1000),
});

export type Fault = z.infer<typeof faultRequestSchema>;

/**
 * Faults and request counts are kept per API key, so test files running in parallel against one
 * sandbox never see each other's faults.
 */
export class FaultBook {
  readonly #faults = new Map<string, Fault[]>();
  readonly #requests = new Map<string, number>();
  readonly #throttled = new Map<string, number>();

  add(fault: Fault): number {
    const queue = this.#faults.get(fault.key) ?? [];
    queue.push({ ...fault });
    this.#faults.set(fault.key, queue);
    return queue.reduce((sum, f) => sum + f.count, 0);
  }

  clear(key: string): number {
    const cleared = (this.#faults.get(key) ?? []).reduce((sum, f) => sum + f.count, 0);
    this.#faults.delete(key);
    return cleared;
  }

  countRequest(key: string): void {
    this.#requests.set(key, (this.#requests.get(key) ?? 0) + 1);
  }

  requestCount(key: string): number {
    return this.#requests.get(key) ?? 0;
  }

  /** Counts a request answered 429, by the rate limiter or by a "429" fault. */
  countThrottled(key: string): void {
    this.#throttled.set(key, (this.#throttled.get(key) ?? 0) + 1);
  }

  throttledCount(key: string): number {
    return this.#throttled.get(key) ?? 0;
  }

  /**
   * Takes the next fault for this request. A repeat-page fault waits for a request that asks for a
   * later page (a cursor, or an offset above 0), since only such a request has a page to repeat.
   */
  take(key: string, hasCursor: boolean): Fault | undefined {
    const queue = this.#faults.get(key);
    const head = queue?.[0];
    if (!queue || !head) return undefined;
    if (head.kind === "repeat-page" && !hasCursor) return undefined;
    head.count -= 1;
    if (head.count <= 0) queue.shift();
    if (queue.length === 0) this.#faults.delete(key);
    return head;
  }
}

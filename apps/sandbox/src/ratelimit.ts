export const sandboxProviders = ["openai", "anthropic", "openrouter", "volcengine"] as const;
export type SandboxProvider = (typeof sandboxProviders)[number];

export interface PacingRule {
  /** Shortest gap between two accepted calls of one key, in milliseconds (before scaling). */
  minIntervalMs: number;
  /** Accepted calls of one key per hour (the hour is scaled too). */
  hourlyCap: number;
}

export interface SandboxPacing {
  /**
   * Multiplies every interval (the minimum gap and the one-hour window); 0 turns rate limiting
   * off. (Default: 0 for `startSandbox()`; `SANDBOX_PACING_SCALE` or 0.001 for `main.ts`)
   */
  scale?: number;
  /** Replaces a provider's defaults; the scale still applies. (Default: SPEC S1 pacing) */
  overrides?: Partial<Record<SandboxProvider, Partial<PacingRule>>>;
}

/** SPEC S1: OpenAI 10 s / 360 per hour, Anthropic 10 s / 360, OpenRouter 5 s / 720, Volcano Engine 10 s / 360. */
export const defaultPacing: Readonly<Record<SandboxProvider, PacingRule>> = {
  openai: { minIntervalMs: 10_000, hourlyCap: 360 },
  anthropic: { minIntervalMs: 10_000, hourlyCap: 360 },
  openrouter: { minIntervalMs: 5_000, hourlyCap: 720 },
  volcengine: { minIntervalMs: 10_000, hourlyCap: 360 },
};

const hourMs = 3_600_000;

export type RateVerdict =
  | { ok: true }
  | { ok: false; reason: "interval" | "hourly_cap"; retryAfterSeconds: number };

export interface RateLimitState {
  provider: SandboxProvider;
  key: string;
  enabled: boolean;
  /** Effective (scaled) values. */
  minIntervalMs: number;
  hourlyCap: number;
  windowMs: number;
  /** Accepted calls inside the current window. */
  callsInWindow: number;
  lastCallAt: string | null;
  /** When the next call would be accepted; null when it would be accepted now. */
  nextAllowedAt: string | null;
  /** 429s this limiter has answered for the key. */
  throttled: number;
}

interface Bucket {
  calls: number[];
  throttled: number;
}

/**
 * Per provider and per key: a minimum gap between accepted calls and a cap per (scaled) hour.
 * Throttled calls are not counted as calls, so a client that honours Retry-After gets through.
 */
export class RateLimiter {
  readonly #scale: number;
  readonly #rules: Record<SandboxProvider, PacingRule>;
  readonly #buckets = new Map<string, Bucket>();

  constructor(pacing: SandboxPacing = {}) {
    const scale = pacing.scale ?? 0;
    if (!Number.isFinite(scale) || scale < 0) throw new RangeError(`pacing.scale must be >= 0, got ${scale}`);
    this.#scale = scale;
    const rules = {} as Record<SandboxProvider, PacingRule>;
    for (const provider of sandboxProviders) {
      rules[provider] = { ...defaultPacing[provider], ...pacing.overrides?.[provider] };
    }
    this.#rules = rules;
  }

  get enabled(): boolean {
    return this.#scale > 0;
  }

  take(provider: SandboxProvider, key: string, now: number = Date.now()): RateVerdict {
    if (!this.enabled) return { ok: true };
    const { minIntervalMs, hourlyCap, windowMs } = this.#effective(provider);
    const bucket = this.#bucket(provider, key, now, windowMs);
    const wait = this.#waitMs(bucket, now, minIntervalMs, hourlyCap, windowMs);
    if (wait) {
      bucket.throttled += 1;
      return { ok: false, reason: wait.reason, retryAfterSeconds: Math.max(1, Math.ceil(wait.ms / 1000)) };
    }
    bucket.calls.push(now);
    return { ok: true };
  }

  state(provider: SandboxProvider, key: string, now: number = Date.now()): RateLimitState {
    const { minIntervalMs, hourlyCap, windowMs } = this.#effective(provider);
    const bucket = this.#bucket(provider, key, now, windowMs);
    const last = bucket.calls.at(-1);
    const wait = this.enabled ? this.#waitMs(bucket, now, minIntervalMs, hourlyCap, windowMs) : undefined;
    return {
      provider,
      key,
      enabled: this.enabled,
      minIntervalMs,
      hourlyCap,
      windowMs,
      callsInWindow: bucket.calls.length,
      lastCallAt: last === undefined ? null : new Date(last).toISOString(),
      nextAllowedAt: wait ? new Date(now + wait.ms).toISOString() : null,
      throttled: bucket.throttled,
    };
  }

  #effective(provider: SandboxProvider) {
    const rule = this.#rules[provider];
    return {
      minIntervalMs: rule.minIntervalMs * this.#scale,
      hourlyCap: rule.hourlyCap,
      windowMs: hourMs * this.#scale,
    };
  }

  #bucket(provider: SandboxProvider, key: string, now: number, windowMs: number): Bucket {
    const id = `${provider}\u0000${key}`;
    let bucket = this.#buckets.get(id);
    if (!bucket) {
      bucket = { calls: [], throttled: 0 };
      this.#buckets.set(id, bucket);
    }
    while (bucket.calls.length > 0 && bucket.calls[0]! <= now - windowMs) bucket.calls.shift();
    return bucket;
  }

  #waitMs(
    bucket: Bucket,
    now: number,
    minIntervalMs: number,
    hourlyCap: number,
    windowMs: number,
  ): { ms: number; reason: "interval" | "hourly_cap" } | undefined {
    if (bucket.calls.length >= hourlyCap) {
      return { ms: bucket.calls[0]! + windowMs - now, reason: "hourly_cap" };
    }
    const last = bucket.calls.at(-1);
    if (last !== undefined && now - last < minIntervalMs) {
      return { ms: last + minIntervalMs - now, reason: "interval" };
    }
    return undefined;
  }
}

import { AsyncLocalStorage } from "node:async_hooks";
import { ProviderError, parseRetryAfter } from "./errors.ts";

export interface RetryOptions {
  /** Total tries, the first one included. (Default: 3) */
  attempts?: number;
  /** Delay before the first retry; doubles on each further retry. (Default: 2000) */
  baseDelayMs?: number;
  /**
   * Longest Retry-After a 429 may ask for and still be waited out inside this call; longer ones
   * throw a transient ProviderError carrying `retryAfterMs` so the caller can defer. (Default: 5000)
   */
  maxRetryAfterMs?: number;
}

export interface RequestJsonOptions {
  /** Provider id, copied onto every ProviderError. */
  provider: string;
  /** Name used in error messages, e.g. "OpenAI". (Default: the provider id) */
  providerName?: string;
  /** What the credential is called in error messages, e.g. "admin key". (Default: "credentials") */
  credentialName?: string;
  url: string | URL;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Aborting stops the request (and any backoff wait) at once; it is never retried. */
  signal?: AbortSignal;
  /** Per-attempt timeout. (Default: 30000) */
  timeoutMs?: number;
  retry?: RetryOptions;
  /**
   * Values that must never appear in an error message (API keys). Provider error bodies are
   * echoed into messages, so they are scrubbed as a last line of defence.
   */
  secrets?: readonly string[];
  /**
   * Awaited before every attempt, retries included, since the provider counts each one (e.g. to
   * take a slot from a shared rate limit). Whatever it throws ends the call unchanged. (Default: none)
   */
  beforeRequest?: BeforeRequest;
  /**
   * Told about every attempt once it ends, retries included (e.g. to record a run's HTTP calls).
   * What it throws is ignored. (Default: the observer of the enclosing `observeHttpCalls`, if any)
   */
  onAttempt?: HttpCallObserver;
}

/** A hook run before each HTTP request to a provider; it gets the caller's abort signal. */
export type BeforeRequest = (signal?: AbortSignal) => Promise<void>;

/**
 * One HTTP attempt as it may be shown to an operator: no headers, no bodies, no query values
 * (a query keeps its parameter names, each value replaced by "…"), the secrets scrubbed.
 */
export interface HttpCall {
  method: string;
  host: string;
  path: string;
  /** The response's status; null when none came (network error, timeout, abort). */
  status: number | null;
  durationMs: number;
  /** 1 for the first try, 2 for the first retry, ... */
  attempt: number;
  /** The error class and message of a failed attempt (at most 500 characters); null when it succeeded. */
  error: string | null;
  startedAt: Date;
}

export type HttpCallObserver = (call: HttpCall) => void;

const observers = new AsyncLocalStorage<HttpCallObserver>();

/**
 * Runs `work` with `observer` told about every `requestJson` attempt made inside it (however
 * deep in a connector's client), unless a call names its own `onAttempt`. The sync loop wraps a
 * run in it, so no client has to pass an observer along.
 */
export function observeHttpCalls<T>(observer: HttpCallObserver, work: () => Promise<T>): Promise<T> {
  return observers.run(observer, work);
}

export const defaultTimeoutMs = 30_000;
export const defaultRetry = { attempts: 3, baseDelayMs: 2000, maxRetryAfterMs: 5000 } as const;

/**
 * GET (by default) a JSON document, classifying every failure as a ProviderError.
 * Retries network errors, timeouts, 5xx and short 429s with exponential backoff; everything
 * else (4xx, malformed JSON) is thrown on the first occurrence.
 */
export async function requestJson(options: RequestJsonOptions): Promise<unknown> {
  const attempts = Math.max(1, options.retry?.attempts ?? defaultRetry.attempts);
  const baseDelayMs = options.retry?.baseDelayMs ?? defaultRetry.baseDelayMs;
  const maxRetryAfterMs = options.retry?.maxRetryAfterMs ?? defaultRetry.maxRetryAfterMs;

  const observe = options.onAttempt ?? observers.getStore();

  for (let attempt = 0; ; attempt++) {
    // Outside the try: a hook's own error (e.g. "defer this job") is not a provider failure to retry.
    await options.beforeRequest?.(options.signal);
    options.signal?.throwIfAborted();
    const startedAt = new Date();
    const seen: { status: number | null } = { status: null };
    const report = (error: unknown) => {
      if (!observe) return;
      try {
        observe(describeCall(options, { attempt: attempt + 1, startedAt, status: seen.status, error }));
      } catch {
        // Observing must never break the call it observes.
      }
    };
    try {
      const body = await attemptOnce(options, seen);
      report(null);
      return body;
    } catch (error) {
      report(error);
      options.signal?.throwIfAborted();
      const isLast = attempt + 1 >= attempts;
      if (!(error instanceof ProviderError) || error.kind !== "transient" || isLast) throw error;
      if (error.code === "malformed_response") throw error;
      let delayMs = baseDelayMs * 2 ** attempt;
      if (error.status === 429 && error.retryAfterMs !== undefined) {
        if (error.retryAfterMs > maxRetryAfterMs) throw error;
        delayMs = error.retryAfterMs;
      }
      await sleep(delayMs, options.signal);
    }
  }
}

/** What an observer is told of one attempt; see HttpCall for what is left out and why. */
function describeCall(
  options: RequestJsonOptions,
  attempt: { attempt: number; startedAt: Date; status: number | null; error: unknown },
): HttpCall {
  const url = new URL(options.url);
  const names = [...new Set(url.searchParams.keys())];
  const query = names.length > 0 ? `?${names.map((name) => `${encodeURIComponent(name)}=…`).join("&")}` : "";
  let error: string | null = null;
  if (attempt.error !== null) {
    const what =
      attempt.error instanceof ProviderError
        ? (attempt.error.code ?? attempt.error.kind)
        : attempt.error instanceof Error
          ? attempt.error.name
          : "error";
    const message = attempt.error instanceof Error ? attempt.error.message : String(attempt.error);
    error = scrub(`${what}: ${message}`, options.secrets).slice(0, 500);
  }
  return {
    method: (options.method ?? "GET").toUpperCase(),
    host: url.host,
    path: scrub(`${url.pathname}${query}`, options.secrets).slice(0, 2000),
    status: attempt.status,
    durationMs: Math.max(0, Date.now() - attempt.startedAt.getTime()),
    attempt: attempt.attempt,
    error,
    startedAt: attempt.startedAt,
  };
}

async function attemptOnce(options: RequestJsonOptions, seen: { status: number | null }): Promise<unknown> {
  const name = options.providerName ?? options.provider;
  const timeoutMs = options.timeoutMs ?? defaultTimeoutMs;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  const fail = (message: string, extra: Omit<ConstructorParameters<typeof ProviderError>[1], "provider">) =>
    new ProviderError(scrub(message, options.secrets), { provider: options.provider, ...extra });

  let response: Response;
  let text: string;
  try {
    response = await fetch(options.url, {
      method: options.method ?? "GET",
      headers: { accept: "application/json", ...options.headers },
      ...(options.body === undefined ? {} : { body: options.body }),
      signal,
    });
    seen.status = response.status;
    text = await response.text();
  } catch (error) {
    // The caller's abort wins over everything: it must surface as an abort, not a provider fault.
    options.signal?.throwIfAborted();
    if (timeout.aborted) {
      throw fail(`${name} did not answer within ${timeoutMs} ms`, { kind: "transient", code: "timeout" });
    }
    const detail = describeNetworkError(error);
    throw fail(`Could not reach ${name}: ${detail}`, {
      kind: "transient",
      code: "network_error",
      cause: error,
    });
  }

  if (response.ok) {
    try {
      return JSON.parse(text);
    } catch {
      throw fail(`${name} returned a response that is not valid JSON (status ${response.status})`, {
        kind: "transient",
        status: response.status,
        code: "malformed_response",
      });
    }
  }

  const status = response.status;
  const detail = readErrorBody(text);
  const code = detail.code;
  const label = code ? `${status} ${code}` : `${status}`;
  const suffix = detail.message ? `: ${detail.message}` : "";
  const withCode = code === undefined ? {} : { code };

  if (status === 401 || status === 403) {
    const what = options.credentialName ?? "credentials";
    throw fail(`${name} rejected the ${what} (${label})${suffix}`, {
      kind: "permanent",
      status,
      ...withCode,
    });
  }
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"));
    const wait = retryAfterMs === undefined ? "" : `; retry after ${Math.ceil(retryAfterMs / 1000)} s`;
    throw fail(`${name} is rate limiting requests (${label})${suffix}${wait}`, {
      kind: "transient",
      status,
      ...withCode,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    });
  }
  if (status >= 500 || status === 408) {
    throw fail(`${name} failed to answer (${label})${suffix}`, { kind: "transient", status, ...withCode });
  }
  throw fail(`${name} rejected the request (${label})${suffix}`, { kind: "permanent", status, ...withCode });
}

/**
 * Understands the common `{error: {message, code|type}}` and `{message}` error bodies, and Volcano
 * Engine's `{ResponseMetadata: {Error: {Code, Message}}}`.
 */
function readErrorBody(text: string): { message?: string; code?: string } {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    const snippet = text.trim().slice(0, 200);
    return snippet ? { message: snippet } : {};
  }
  if (typeof body !== "object" || body === null) return {};
  const record = body as Record<string, unknown>;
  const metadata = record.ResponseMetadata;
  if (typeof metadata === "object" && metadata !== null) {
    const error = (metadata as Record<string, unknown>).Error;
    if (typeof error === "object" && error !== null) {
      const { Code, Message } = error as Record<string, unknown>;
      return {
        ...(typeof Message === "string" ? { message: Message } : {}),
        ...(typeof Code === "string" ? { code: Code } : {}),
      };
    }
  }
  const inner =
    typeof record.error === "object" && record.error !== null
      ? (record.error as Record<string, unknown>)
      : record;
  const message = typeof inner.message === "string" ? inner.message : undefined;
  const code =
    typeof inner.code === "string" ? inner.code : typeof inner.type === "string" ? inner.type : undefined;
  return { ...(message === undefined ? {} : { message }), ...(code === undefined ? {} : { code }) };
}

function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // undici hides the useful part (ECONNREFUSED, ENOTFOUND, socket hang up) in `cause`.
  const cause = error.cause;
  if (cause instanceof Error) {
    const code = (cause as Error & { code?: unknown }).code;
    return typeof code === "string" ? `${code} ${cause.message}` : cause.message;
  }
  return error.message;
}

function scrub(message: string, secrets: readonly string[] | undefined): string {
  let result = message;
  for (const secret of secrets ?? []) {
    if (secret.length > 0) result = result.replaceAll(secret, "[redacted]");
  }
  return result;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

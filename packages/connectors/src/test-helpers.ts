// Helpers for the connector tests, which run against the sandbox the root vitest setup starts.
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { expect, inject } from "vitest";
import { ProviderError } from "./errors.ts";
import type { CostLine } from "./types.ts";

export const sandboxUrl = inject("sandboxUrl");
export const fastRetry = { attempts: 3, baseDelayMs: 10 };

/** A key nobody else uses, so faults and request counts stay this test's own. */
export function uniqueKey(prefix: string): string {
  return `${prefix}${randomUUID().replaceAll("-", "")}`;
}

export async function collect(iterable: AsyncIterable<CostLine[]>): Promise<CostLine[][]> {
  const pages: CostLine[][] = [];
  for await (const page of iterable) pages.push(page);
  return pages;
}

export async function captureError(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ProviderError);
  return error as ProviderError;
}

export async function injectFault(fault: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${sandboxUrl}/__sandbox/faults`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(fault),
  });
  expect(res.status).toBe(201);
}

export async function requestCount(key: string): Promise<number> {
  const res = await fetch(`${sandboxUrl}/__sandbox/requests?key=${encodeURIComponent(key)}`);
  return ((await res.json()) as { count: number }).count;
}

/** Every (day, line item, currency) of these lines is distinct. */
export function expectUniqueLines(lines: readonly CostLine[]): void {
  const identities = lines.map((line) => `${line.day}|${line.lineItem}|${line.currency}`);
  expect(new Set(identities).size).toBe(identities.length);
}

export function utcDayOffset(days: number, now: Date = new Date()): string {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + days))
    .toISOString()
    .slice(0, 10);
}

export interface RecordedRequest {
  method: string;
  url: URL;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface FixtureServer {
  /** Origin to use as a client's baseUrl. */
  url: string;
  /** Every request received, in order. */
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/**
 * A local HTTP peer for contract tests: `answer` picks the status, body and headers of each reply
 * from the request, typically a provider's published example kept in a fixtures folder.
 */
export async function serveFixture(
  answer: (request: RecordedRequest) => { status?: number; body: unknown; headers?: Record<string, string> },
): Promise<FixtureServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const request = {
        method: req.method ?? "GET",
        url: new URL(req.url ?? "/", "http://fixture.invalid"),
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      requests.push(request);
      const reply = answer(request);
      res.writeHead(reply.status ?? 200, { "content-type": "application/json", ...reply.headers });
      res.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

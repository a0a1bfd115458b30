import { createHash } from "node:crypto";

export function bearerToken(header: string | undefined): string | undefined {
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1];
}

/** How providers echo a rejected key: enough to recognise it, never the whole key. */
export function maskKey(key: string): string {
  return key.length < 12 ? "***" : `${key.slice(0, 6)}***${key.slice(-3)}`;
}

export function sha256(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

/** Integer in [0, modulo) derived from a seed string; the sandbox's only source of "randomness". */
export function seeded(seed: string, modulo: number): number {
  return sha256(seed).readUInt32BE(0) % modulo;
}

export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export const dayMs = 86_400_000;

/** UTC midnight of today, in milliseconds. */
export function todayStartMs(now: number = Date.now()): number {
  return Math.floor(now / dayMs) * dayMs;
}

/** First day the sandbox has data for, across providers. */
export const firstDataDayMs = Date.UTC(2024, 0, 1);

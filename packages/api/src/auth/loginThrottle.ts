import type { createPool } from "@synchub/db";
import { RateLimiterPostgres, RateLimiterRes } from "rate-limiter-flexible";

/**
 * Failed logins counted per username and per client address in Postgres (rate-limiter-flexible's
 * store, table synchub.login_throttle), so every server process shares one count. After
 * `maxFailures` failures within `windowSeconds`, that username or address is refused for
 * `lockSeconds`; the answer is the same whether the user exists or not.
 */
export interface LoginThrottleOptions {
  /** Failures allowed in the window; the next one locks. (Default: 10) */
  maxFailures?: number;
  /** (Default: 900, 15 minutes) */
  windowSeconds?: number;
  /** (Default: 900, 15 minutes) */
  lockSeconds?: number;
}

export interface LoginThrottle {
  /** Seconds until this username and address may try again, or 0 when they may now. */
  retryAfter(username: string, address: string | null): Promise<number>;
  /** Counts a failure; answers the lock's length in seconds when this failure started one, else 0. */
  recordFailure(username: string, address: string | null): Promise<number>;
  /** A success clears the username's count (the address keeps its own). */
  recordSuccess(username: string): Promise<void>;
}

export function createLoginThrottle(
  pool: ReturnType<typeof createPool>,
  options: LoginThrottleOptions = {},
): LoginThrottle {
  const maxFailures = options.maxFailures ?? 10;
  const limiter = (keyPrefix: string) =>
    new RateLimiterPostgres({
      storeClient: pool,
      schemaName: "synchub",
      tableName: "login_throttle",
      // Created by migration 0013; the server needs no DDL rights.
      tableCreated: true,
      keyPrefix,
      // The lock starts on the failure past `points`, so `maxFailures` failures lock.
      points: maxFailures - 1,
      duration: options.windowSeconds ?? 900,
      blockDuration: options.lockSeconds ?? 900,
    });
  const byUsername = limiter("login-user");
  const byAddress = limiter("login-address");
  const points = maxFailures - 1;
  // Usernames differ in case only on paper; an attacker must not get ten tries per spelling.
  const userKey = (username: string) => username.trim().toLowerCase();

  return {
    async retryAfter(username, address) {
      const states = await Promise.all([
        byUsername.get(userKey(username)),
        address ? byAddress.get(address) : null,
      ]);
      const waits = states
        .filter((state): state is RateLimiterRes => state !== null && state.consumedPoints > points)
        .map((state) => Math.ceil(state.msBeforeNext / 1000));
      return Math.max(0, ...waits);
    },
    async recordFailure(username, address) {
      const consumed = await Promise.all([
        consume(byUsername, userKey(username)),
        address ? consume(byAddress, address) : 0,
      ]);
      return Math.max(...consumed);
    },
    async recordSuccess(username) {
      await byUsername.delete(userKey(username));
    },
  };

  /** The lock's seconds when this consumption started it, else 0. */
  async function consume(target: RateLimiterPostgres, key: string): Promise<number> {
    try {
      await target.consume(key);
      return 0;
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      // The first failure past the limit starts the lock; later ones find it already running.
      return rejection.consumedPoints === points + 1 ? Math.ceil(rejection.msBeforeNext / 1000) : 0;
    }
  }
}

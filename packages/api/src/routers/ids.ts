import { z } from "zod";

/**
 * A bigserial id as text: digits only, and at most 18 of them, so it always fits Postgres'
 * bigint (a 20-digit id used to reach the database and fail there with a 500).
 */
export function bigintId(what: string) {
  return z.string().regex(/^\d{1,18}$/, `${what} ids are whole numbers of at most 18 digits`);
}

import { createHash } from "node:crypto";

/**
 * Groups failures with the same cause: the task, the error class and the message with its
 * variable parts (ids, numbers, quoted values, masked keys) replaced, hashed to a short id.
 */
export function errorFingerprint(task: string, errorClass: string, message: string): string {
  const shape = message
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, "<id>")
    .replace(/\b[\w-]*\*{2,}[\w-]*\b/g, "<masked>")
    .replace(/(["'`])[^"'`]*\1/g, "<value>")
    .replace(/\d+(\.\d+)?/g, "<n>")
    .replace(/\s+/g, " ")
    .trim();
  return createHash("sha256").update(`${task}\u0000${errorClass}\u0000${shape}`).digest("hex").slice(0, 16);
}

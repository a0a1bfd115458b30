import type { Database } from "@synchub/db";
import type { SecretBox } from "@synchub/domain";
import type { LoginThrottle } from "./auth/loginThrottle.ts";
import type { SessionUser } from "./auth/sessions.ts";

/** Built per request by the server app; tests build it directly. */
export interface ApiContext {
  db: Database;
  secrets: SecretBox;
  user: SessionUser | null;
  /** How the caller tried to authenticate, so a refusal can say what to fix. (Default: "none") */
  credential?: "none" | "session" | "api-token";
  /** Sets or clears the session cookie on the current response. */
  session: {
    set(token: string, expiresAt: Date): void;
    clear(): void;
    /** The raw cookie token of this request, if any. */
    token: string | null;
  };
  /** Quoted in every error answer and in the server's log lines for this request. (Default: none) */
  requestId?: string;
  /** The caller's network address, for login throttling and the audit log. (Default: none) */
  clientAddress?: string | null;
  /** Counts failed logins across every server process; without it logins are not throttled. (Default: none) */
  loginThrottle?: LoginThrottle;
  /**
   * The foreign origin a cookie-authenticated request came from, or null: mutations refuse it
   * (403), reads are harmless since the page cannot see the answer. (Default: null)
   */
  crossSiteOrigin?: string | null;
  /** Sets a header on the current response (Retry-After). (Default: ignored) */
  setHeader?(name: string, value: string): void;
  /**
   * An error met while building the context (the session lookup, when the database is down): it
   * is thrown by every procedure, so the answer goes through the one error formatter.
   */
  failure?: unknown;
}

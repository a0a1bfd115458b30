import type { Database } from "@synchub/db";
import type { SecretBox } from "@synchub/domain";
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
}

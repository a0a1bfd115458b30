import type { Database } from "@synchub/db";
import type { SecretBox } from "@synchub/domain";
import type { ApiContext } from "./context.ts";
import { appRouter } from "./root.ts";
import type { Role } from "./trpc.ts";

/**
 * The router called in-process as a signed-in user of `role` (viewer by default), for the
 * router tests. Pass the same `secrets` to every call whose cursors must open on the next one.
 */
export function callerFor(db: Database, secrets: SecretBox, role: Role = "viewer") {
  const ctx: ApiContext = {
    db,
    secrets,
    user: { id: "00000000-0000-4000-8000-000000000000", username: `${role}-user`, role },
    session: { token: null, set() {}, clear() {} },
  };
  return appRouter.createCaller(ctx);
}

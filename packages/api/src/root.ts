import { authRouter } from "./routers/auth.ts";
import { connectionsRouter } from "./routers/connections.ts";
import { runsRouter } from "./routers/runs.ts";
import { tenantsRouter } from "./routers/tenants.ts";
import { router } from "./trpc.ts";

export const appRouter = router({
  auth: authRouter,
  connections: connectionsRouter,
  runs: runsRouter,
  tenants: tenantsRouter,
});

export type AppRouter = typeof appRouter;

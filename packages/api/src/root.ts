import { authRouter } from "./routers/auth.ts";
import { connectionsRouter } from "./routers/connections.ts";
import { deadLettersRouter } from "./routers/deadLetters.ts";
import { overviewRouter } from "./routers/overview.ts";
import { rateLimitsRouter } from "./routers/rateLimits.ts";
import { runsRouter } from "./routers/runs.ts";
import { schedulesRouter } from "./routers/schedules.ts";
import { tenantsRouter } from "./routers/tenants.ts";
import { router } from "./trpc.ts";

export const appRouter = router({
  auth: authRouter,
  connections: connectionsRouter,
  deadLetters: deadLettersRouter,
  overview: overviewRouter,
  rateLimits: rateLimitsRouter,
  runs: runsRouter,
  schedules: schedulesRouter,
  tenants: tenantsRouter,
});

export type AppRouter = typeof appRouter;

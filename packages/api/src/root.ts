import { auditRouter } from "./routers/audit.ts";
import { authRouter } from "./routers/auth.ts";
import { connectionsRouter } from "./routers/connections.ts";
import { creditsRouter } from "./routers/credits.ts";
import { deadLettersRouter } from "./routers/deadLetters.ts";
import { jobsRouter } from "./routers/jobs.ts";
import { overviewRouter } from "./routers/overview.ts";
import { quotasRouter } from "./routers/quotas.ts";
import { rateLimitsRouter } from "./routers/rateLimits.ts";
import { runsRouter } from "./routers/runs.ts";
import { schedulesRouter } from "./routers/schedules.ts";
import { tenantsRouter } from "./routers/tenants.ts";
import { tokensRouter } from "./routers/tokens.ts";
import { usersRouter } from "./routers/users.ts";
import { workersRouter } from "./routers/workers.ts";
import { router } from "./trpc.ts";

export const appRouter = router({
  audit: auditRouter,
  auth: authRouter,
  connections: connectionsRouter,
  credits: creditsRouter,
  deadLetters: deadLettersRouter,
  jobs: jobsRouter,
  overview: overviewRouter,
  quotas: quotasRouter,
  rateLimits: rateLimitsRouter,
  runs: runsRouter,
  schedules: schedulesRouter,
  tenants: tenantsRouter,
  tokens: tokensRouter,
  users: usersRouter,
  workers: workersRouter,
});

export type AppRouter = typeof appRouter;

import { env } from "./env.ts";
import { startSandbox } from "./server.ts";

const sandbox = await startSandbox({
  port: env.SANDBOX_PORT,
  host: env.SANDBOX_HOST,
  pacing: { scale: env.SANDBOX_PACING_SCALE },
});
const bases = ["openai", "anthropic", "openrouter", "volcengine"].map((id) => `${sandbox.url}/${id}`);
console.log(
  `provider sandbox listening on ${sandbox.url} (base URLs: ${bases.join(", ")}; pacing scale ${env.SANDBOX_PACING_SCALE})`,
);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    sandbox.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

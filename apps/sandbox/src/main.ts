import { env } from "./env.ts";
import { startSandbox } from "./server.ts";

const sandbox = await startSandbox({ port: env.SANDBOX_PORT, host: env.SANDBOX_HOST });
console.log(`provider sandbox listening on ${sandbox.url} (OpenAI base URL: ${sandbox.url}/openai)`);

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    sandbox.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}

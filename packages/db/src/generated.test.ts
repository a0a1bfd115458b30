import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { createTestDatabase } from "./testing.ts";

const generateScript = fileURLToPath(
  new URL("../../../tooling/dev/src/generate-db-types.ts", import.meta.url),
);

describe("Kysely table types", () => {
  it("match the migrated schema (regenerate with `pnpm --filter @synchub/db db:types`)", async () => {
    const t = await createTestDatabase();
    try {
      const { kyselyCodegenArgs, generatedTypesFile } = (await import(generateScript)) as {
        kyselyCodegenArgs(url: string, outFile: string): string[];
        generatedTypesFile: string;
      };
      const run = promisify(execFile);
      const result = await run("pnpm", [...kyselyCodegenArgs(t.url, generatedTypesFile), "--verify"], {
        cwd: fileURLToPath(new URL("..", import.meta.url)),
      }).then(
        () => "up to date",
        (error: { stdout?: string; stderr?: string }) => `${error.stdout ?? ""}${error.stderr ?? ""}`,
      );
      expect(result).toBe("up to date");
    } finally {
      await t.drop();
    }
  }, 60_000);
});

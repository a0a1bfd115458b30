import { randomBytes } from "node:crypto";
import { mkdir, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createServer, type ViteDevServer } from "vite";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const adminRoot = fileURLToPath(new URL(".", import.meta.url));
const repoRoot = fileURLToPath(new URL("../..", import.meta.url));
// A stand-in for the dev secrets pnpm dev keeps in .data/, made for this test and removed after.
const secretFile = path.join(repoRoot, ".data", `vite-test-${randomBytes(4).toString("hex")}.json`);

let vite: ViteDevServer;
let base: string;
beforeAll(async () => {
  await mkdir(path.dirname(secretFile), { recursive: true });
  await writeFile(secretFile, JSON.stringify({ encryptionKey: "must-never-be-served" }));
  vite = await createServer({
    configFile: path.join(adminRoot, "vite.config.ts"),
    root: adminRoot,
    logLevel: "silent",
    server: { port: 0, strictPort: false },
  });
  await vite.listen();
  base = vite.resolvedUrls?.local[0]?.replace(/\/$/, "") ?? "";
});
afterAll(async () => {
  await vite?.close();
  await rm(secretFile, { force: true });
});

async function status(requestPath: string): Promise<[number, string]> {
  const response = await fetch(`${base}${requestPath}`);
  return [response.status, await response.text()];
}

describe("the admin's Vite dev server", () => {
  it("refuses the dev secrets in .data/ with 403, by any path", async () => {
    const relative = path.relative(repoRoot, secretFile);
    for (const attempt of [
      `/@fs${secretFile}`,
      `/@fs${repoRoot}${relative}?raw`,
      `/@fs${repoRoot}${relative}?import`,
    ]) {
      const [code, body] = await status(attempt);
      expect(code, attempt).toBe(403);
      expect(body).not.toContain("must-never-be-served");
    }
  });

  it("refuses files outside the admin's sources: the repo's other packages, the root, the system", async () => {
    for (const file of [
      path.join(repoRoot, "package.json"),
      path.join(repoRoot, "packages/db/src/client.ts"),
      path.join(repoRoot, "packages/api/src/routers/auth.ts"),
      path.join(repoRoot, "db/migrations/0001_foundation.sql"),
      "/etc/passwd",
    ]) {
      expect((await status(`/@fs${file}`))[0], file).toBe(403);
    }
  });

  it("still serves the admin's own modules, and the API's zod schemas its forms validate with", async () => {
    const [code, body] = await status("/src/main.tsx");
    expect(code).toBe(200);
    expect(body).toContain("createRoot");
    const [schemaCode] = await status(`/@fs${repoRoot}packages/api/src/schemas/index.ts`);
    expect(schemaCode).toBe(200);
  });
});

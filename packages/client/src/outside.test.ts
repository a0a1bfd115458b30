/**
 * The packed client, installed the way an outside project would: `pnpm pack` (which builds dist/),
 * `npm install <tarball>` into a temporary project with a strict NodeNext config and
 * skipLibCheck off, a right call that type-checks and runs with plain `node` against a test
 * server, and a wrong call that fails to type-check.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
// A relative import, not a dependency: @synchub/server already depends on this package.
import { insertApiToken, startTestServer, type TestServer } from "../../../apps/server/src/testing.ts";

const run = promisify(execFile);
const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const typescriptVersion: string = createRequire(import.meta.url)("typescript/package.json").version;

const compilerOptions = {
  target: "ES2022",
  module: "NodeNext",
  moduleResolution: "NodeNext",
  strict: true,
  exactOptionalPropertyTypes: true,
  skipLibCheck: false,
  types: ["node"],
  outDir: "out",
};

const rightCall = `import { createSynchubClient } from "@synchub/client";

const synchub = createSynchubClient({ url: process.argv[2] ?? "", token: process.env.SYNCHUB_TOKEN });
const page = await synchub.connections.list.query({ limit: 5 });
const ids: string[] = page.items.map((connection) => connection.id);
console.log(JSON.stringify({ count: ids.length, nextCursor: page.nextCursor ?? null }));
`;

const wrongCall = `import { createSynchubClient } from "@synchub/client";

const synchub = createSynchubClient({ url: "http://localhost:1" });
await synchub.connections.syncNow.mutate({ connectionId: "not-a-field" });
`;

describe("@synchub/client from a packed tarball", () => {
  let work: string;
  let project: string;
  let tarball: string;
  let testServer: TestServer;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), "synchub-client-"));
    project = join(work, "project");
    const [server] = await Promise.all([
      startTestServer(),
      // prepack runs the build (dist/index.js, dist/index.d.ts).
      run("pnpm", ["pack", "--pack-destination", work], { cwd: packageDir }),
    ]);
    testServer = server;
    const packed = (await readdir(work)).find((name) => name.endsWith(".tgz"));
    if (!packed) throw new Error("pnpm pack wrote no tarball");
    tarball = join(work, packed);
  }, 120_000);

  afterAll(async () => {
    await testServer?.close();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it("packs dist with npm specifiers and declarations free of synchub's source", async () => {
    await run("tar", ["-xzf", tarball, "-C", work]);
    const manifest = JSON.parse(await readFile(join(work, "package/package.json"), "utf8"));
    expect(manifest.version).toBe("0.1.0");
    expect(manifest.exports["."]).toEqual({ types: "./dist/index.d.ts", import: "./dist/index.js" });
    for (const [name, spec] of Object.entries<string>(manifest.dependencies)) {
      expect(`${name}@${spec}`).not.toMatch(/workspace:|catalog:|@synchub\//);
    }
    const declarations = await readFile(join(work, "package/dist/index.d.ts"), "utf8");
    const imported = [...declarations.matchAll(/from ['"]([^'"]+)['"]/g)].map((match) => match[1]);
    expect(new Set(imported)).toEqual(new Set(["@trpc/client", "@trpc/server", "kysely"]));
  });

  it("type-checks a right call, rejects a wrong one, and runs with plain node", async () => {
    await run("mkdir", ["-p", project]);
    await writeFile(
      join(project, "package.json"),
      JSON.stringify({ name: "outside", private: true, type: "module" }),
    );
    await writeFile(join(project, "tsconfig.json"), JSON.stringify({ compilerOptions, files: ["right.ts"] }));
    await writeFile(
      join(project, "tsconfig.wrong.json"),
      JSON.stringify({ compilerOptions: { ...compilerOptions, noEmit: true }, files: ["wrong.ts"] }),
    );
    await writeFile(join(project, "right.ts"), rightCall);
    await writeFile(join(project, "wrong.ts"), wrongCall);
    // @types/node and @types/ws are for tRPC's own declarations under skipLibCheck: false (see README).
    await run(
      "npm",
      [
        "install",
        "--no-audit",
        "--no-fund",
        tarball,
        `typescript@${typescriptVersion}`,
        "@types/node@20",
        "@types/ws@8.5.10",
      ],
      { cwd: project },
    );

    const tsc = join(project, "node_modules/typescript/bin/tsc");
    await run(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: project });

    const wrong = await run(process.execPath, [tsc, "-p", "tsconfig.wrong.json"], { cwd: project }).then(
      () => "",
      (error: { stdout: string }) => error.stdout,
    );
    expect(wrong).toContain("error TS2353");
    expect(wrong).toContain("'connectionId' does not exist in type '{ id: string; }'");

    const token = await insertApiToken(testServer.t, "viewer");
    const { stdout } = await run(process.execPath, [join(project, "out/right.js"), testServer.server.url], {
      cwd: project,
      env: { ...process.env, SYNCHUB_TOKEN: token },
    });
    expect(JSON.parse(stdout)).toEqual({ count: 0, nextCursor: null });
  }, 120_000);
});

// Builds dist/: index.js (esbuild) and one index.d.ts with synchub's router types inlined.
// Plain Node 20: `node build.mjs` (no tsx). Steps: tsc emits declarations for the client and
// the server packages its types reach (tsconfig.build.json maps @synchub/* to their source),
// then rollup-plugin-dts bundles them into one file that imports only real npm dependencies.
import { execFileSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { rollup } from "rollup";
import { dts } from "rollup-plugin-dts";

const here = dirname(fileURLToPath(import.meta.url));
const cache = join(here, "node_modules/.cache/dts");
const dist = join(here, "dist");
rmSync(cache, { recursive: true, force: true });
rmSync(dist, { recursive: true, force: true });

execFileSync(process.execPath, [join(here, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.build.json"], {
  cwd: here,
  stdio: "inherit",
});

await build({
  entryPoints: [join(here, "src/index.ts")],
  outfile: join(dist, "index.js"),
  bundle: true,
  format: "esm",
  platform: "neutral",
  target: "es2022",
  packages: "external",
  logLevel: "warning",
});

/** @synchub/* and "./x.ts" imports, resolved to the declarations tsc emitted into the cache. */
const workspaceDeclarations = {
  name: "synchub-declarations",
  resolveId(source, importer) {
    const pkg = /^@synchub\/([a-z-]+)$/.exec(source);
    if (pkg) return join(cache, "packages", pkg[1], "src/index.d.ts");
    if (importer && source.startsWith(".")) {
      const base = resolve(dirname(importer), source).replace(/\.ts$/, "");
      for (const candidate of [`${base}.d.ts`, join(base, "index.d.ts")]) {
        if (existsSync(candidate)) return candidate;
      }
    }
    return null;
  },
};

const bundle = await rollup({
  input: join(cache, "packages/client/src/index.d.ts"),
  plugins: [workspaceDeclarations, dts()],
  external: (id) => !id.startsWith(".") && !id.startsWith("/") && !id.startsWith("@synchub/"),
  // @synchub/api's index re-exports AppRouter from root: harmless here (one output file).
  onwarn: (warning, warn) => warning.code === "CYCLIC_CROSS_CHUNK_REEXPORT" || warn(warning),
});
await bundle.write({ file: join(dist, "index.d.ts"), format: "es" });
await bundle.close();

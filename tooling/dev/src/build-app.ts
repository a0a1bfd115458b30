/**
 * `pnpm build` for a Node app (apps/server, apps/worker): one ES module per entry in dist/, with
 * the workspace packages (TypeScript source) and npm dependencies bundled in, so production runs
 * plain `node dist/main.js` without tsx. Run from the app's folder:
 * `tsx ../../tooling/dev/src/build-app.ts src/main.ts [src/migrate.ts ...]`.
 */
import path from "node:path";
import { build } from "esbuild";

const entries = process.argv.slice(2);
if (entries.length === 0) {
  console.error("usage: build-app.ts <entry.ts>...");
  process.exit(2);
}
await build({
  entryPoints: entries,
  outdir: "dist",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20.19",
  sourcemap: true,
  // pg's optional native binding is never installed.
  external: ["pg-native"],
  // The CommonJS dependencies (pg, graphile-worker, pino) call require() for Node's own modules.
  banner: {
    js: 'import { createRequire as __synchubCreateRequire } from "node:module"; const require = __synchubCreateRequire(import.meta.url);',
  },
  logLevel: "warning",
});
console.log(
  `built ${entries.map((entry) => path.join("dist", `${path.basename(entry, ".ts")}.js`)).join(", ")}`,
);

import { fileURLToPath } from "node:url";
import { tanstackRouter } from "@tanstack/router-plugin/vite";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// Vite reads its config in Node; the admin's own code never sees these variables.
const serverPort = process.env.SYNCHUB_SERVER_PORT ?? "3000";
const adminPort = Number(process.env.SYNCHUB_ADMIN_PORT ?? 5173);
const serverTarget = `http://127.0.0.1:${serverPort}`;
const adminRoot = fileURLToPath(new URL(".", import.meta.url));
const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

export default defineConfig({
  plugins: [
    // File-based routes: one file in src/routes/ per page; the plugin writes src/routeTree.gen.ts
    // (committed, so `tsc` sees it without a build) and splits each route's component into its own chunk.
    tanstackRouter({ target: "react", autoCodeSplitting: true, quoteStyle: "double", semicolons: true }),
    react(),
  ],
  server: {
    host: "127.0.0.1",
    port: adminPort,
    strictPort: true,
    // Same-origin in dev as in production, so the session cookie just works.
    proxy: {
      "/trpc": { target: serverTarget, changeOrigin: false },
      "/healthz": { target: serverTarget, changeOrigin: false },
    },
    fs: {
      // By default Vite serves any file of the whole workspace through /@fs/, which included
      // .data/dev-secrets.json (the encryption key, admin password, cron secret) and Postgres'
      // data files. Only the admin's own folder and the installed packages are served; the admin
      // imports nothing else at run time (`import type` from @synchub/api is erased; @synchub/api/schemas
      // is zod only, so the forms validate with the procedures' own schemas).
      strict: true,
      allow: [adminRoot, `${repoRoot}packages/api/src/schemas`, `${repoRoot}node_modules`],
      deny: [".env", ".env.*", "*.{crt,pem,key}", "**/.git/**", "**/.data/**"],
    },
  },
  // No source maps in the production build: the server would hand out the admin's source.
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false },
});

import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// Vite reads its config in Node; the admin's own code never sees these variables.
const serverPort = process.env.SYNCHUB_SERVER_PORT ?? "3000";
const adminPort = Number(process.env.SYNCHUB_ADMIN_PORT ?? 5173);
const serverTarget = `http://127.0.0.1:${serverPort}`;
const adminRoot = fileURLToPath(new URL(".", import.meta.url));
const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

export default defineConfig({
  plugins: [react()],
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
      // imports nothing else at run time (`import type` from @synchub/api is erased).
      strict: true,
      allow: [adminRoot, `${repoRoot}node_modules`],
      deny: [".env", ".env.*", "*.{crt,pem,key}", "**/.git/**", "**/.data/**"],
    },
  },
  // No source maps in the production build: the server would hand out the admin's source.
  build: { outDir: "dist", emptyOutDir: true, sourcemap: false },
});

import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// Vite reads its config in Node; the admin's own code never sees these variables.
const serverPort = process.env.SYNCHUB_SERVER_PORT ?? "3000";
const adminPort = Number(process.env.SYNCHUB_ADMIN_PORT ?? 5173);
const serverTarget = `http://127.0.0.1:${serverPort}`;

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
  },
  build: { outDir: "dist", emptyOutDir: true, sourcemap: true },
});

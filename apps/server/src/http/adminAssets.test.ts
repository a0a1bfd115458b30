import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../testing.ts";

let dist: string;
let s: TestServer;
beforeAll(async () => {
  // A built admin as an older build left it, source map included.
  dist = await mkdtemp(path.join(tmpdir(), "synchub-admin-dist-"));
  await writeFile(path.join(dist, "index.html"), "<!doctype html><title>synchub</title>");
  await writeFile(path.join(dist, "app.js"), "console.log('admin');\n//# sourceMappingURL=app.js.map");
  await writeFile(path.join(dist, "app.js.map"), JSON.stringify({ sources: ["../src/secret-logic.tsx"] }));
  s = await startTestServer({ adminDist: dist });
});
afterAll(async () => {
  await s.close();
  await rm(dist, { recursive: true, force: true });
});

describe("the built admin", () => {
  it("is served, with index.html for client-side routes", async () => {
    expect(await (await fetch(`${s.server.url}/app.js`)).text()).toContain("admin");
    const route = await fetch(`${s.server.url}/connections/some-id`);
    expect(route.status).toBe(200);
    expect(await route.text()).toContain("<title>synchub</title>");
  });

  it("never hands out a source map", async () => {
    const response = await fetch(`${s.server.url}/app.js.map`);
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain("secret-logic");
  });

  it("cannot be walked out of with dot segments", async () => {
    for (const attempt of ["/..%2f..%2fetc/passwd", "/%2e%2e/%2e%2e/etc/passwd"]) {
      const text = await (await fetch(`${s.server.url}${attempt}`)).text();
      expect(text, attempt).not.toContain("root:");
    }
  });
});

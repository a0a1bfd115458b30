import { execFile } from "node:child_process";
import { readdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { migrationsDir } from "@synchub/db";
import { createTestDatabase, type TestDatabase } from "@synchub/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const cli = fileURLToPath(new URL("./db-cli.ts", import.meta.url));
let t: TestDatabase;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.drop());

function db(...args: string[]) {
  return promisify(execFile)(process.execPath, ["--import", "tsx", cli, ...args], {
    env: { ...process.env, DATABASE_URL: t.url },
  });
}

describe("pnpm db", () => {
  it("migrate has nothing left to apply on a migrated database, and status lists every migration as applied", async () => {
    expect((await db("migrate")).stdout).toBe("nothing to apply\n");
    const lines = (await db("status")).stdout.trim().split("\n");
    const files = (await readdir(migrationsDir)).filter((file) => file.endsWith(".sql")).sort();
    expect(lines.map((line) => line.split(/\s+/).at(-1))).toEqual(files);
    expect(lines.every((line) => line.startsWith("applied "))).toBe(true);
  });

  it("url prints the database it works on, and an unknown command prints the usage", async () => {
    expect((await db("url")).stdout).toBe(`${t.url}\n`);
    await expect(db("drop")).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining("usage: pnpm db"),
    });
  });
});

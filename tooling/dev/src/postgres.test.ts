import { chmod, mkdir, rm } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "./ports.ts";
import { makeScratchDir, startEmbeddedPostgres } from "./postgres.ts";

let scratch: string;
beforeAll(async () => {
  scratch = await makeScratchDir("synchub-pg-test-");
});
afterAll(() => rm(scratch, { recursive: true, force: true }));

async function query(url: string, text: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

describe("embedded Postgres", () => {
  it("reuses an existing cluster on the second start instead of running initdb again", async () => {
    const dataDir = path.join(scratch, "reused");
    const first = await startEmbeddedPostgres({ dataDir, port: await freePort() });
    await query(first.url, "create table kept (note text); insert into kept values ('still here')");
    await first.stop();

    const second = await startEmbeddedPostgres({ dataDir, port: await freePort() });
    try {
      expect(await query(second.url, "select note from kept")).toEqual([{ note: "still here" }]);
    } finally {
      await second.stop();
    }
  }, 60_000);

  it("says which port is taken and what to do, without touching the data folder", async () => {
    const blocker = net.createServer();
    const port = await freePort();
    await new Promise<void>((resolve) => blocker.listen(port, "127.0.0.1", resolve));
    try {
      await expect(startEmbeddedPostgres({ dataDir: path.join(scratch, "busy"), port })).rejects.toThrow(
        new RegExp(`Port ${port} is already in use.*SYNCHUB_PG_PORT.*DATABASE_URL`),
      );
    } finally {
      blocker.close();
    }
  });

  it.runIf(process.getuid?.() === 0)(
    "names every private folder the postgres user cannot enter, and how to fix it",
    async () => {
      const privateDir = path.join(scratch, "private");
      const innerDir = path.join(privateDir, "checkout", "inner");
      await mkdir(innerDir, { recursive: true });
      await chmod(privateDir, 0o700);
      await chmod(innerDir, 0o700);
      const start = startEmbeddedPostgres({
        dataDir: path.join(innerDir, "pg", "data"),
        port: await freePort(),
      });
      await expect(start).rejects.toThrow(
        new RegExp(`cannot enter these folders: ${privateDir} .*, ${innerDir} `),
      );
      await expect(start).rejects.toThrow(`chmod o+x ${privateDir} ${innerDir}\``);
    },
  );
});

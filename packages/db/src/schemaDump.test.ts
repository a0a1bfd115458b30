import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { dumpSchema } from "./schemaDump.ts";
import { createTestDatabase } from "./testing.ts";

const schemaFile = fileURLToPath(new URL("../../../db/schema.sql", import.meta.url));

describe("db/schema.sql", () => {
  it("is the migrated schema (regenerate with `pnpm --filter @synchub/db db:types`)", async () => {
    const t = await createTestDatabase();
    try {
      expect(await dumpSchema(t.url)).toBe(await readFile(schemaFile, "utf8"));
    } finally {
      await t.drop();
    }
  });
});

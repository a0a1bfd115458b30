import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import * as schemas from "@synchub/api/schemas";
import * as connectors from "@synchub/connectors";
import * as db from "@synchub/db";
import * as domain from "@synchub/domain";
import { describe, expect, it } from "vitest";
import type { z } from "zod";

/** The part of esbuild's API used here. */
interface Bundler {
  build(options: Record<string, unknown>): Promise<{
    outputFiles: { text: string }[];
    metafile: { inputs: Record<string, unknown> };
  }>;
}

// esbuild is a dependency of the dev tooling, not of this package (no lockfile change for a test).
const esbuild: Bundler = createRequire(
  fileURLToPath(new URL("../../../../tooling/dev/package.json", import.meta.url)),
)("esbuild");

/** The message of each issue, by field path, as a form (and the server's 400) shows them. */
function messages(schema: z.ZodType, input: unknown): Record<string, string[]> {
  const result = schema.safeParse(input);
  if (result.success) return {};
  const byPath: Record<string, string[]> = {};
  for (const issue of result.error.issues) {
    const path = issue.path.join(".");
    byPath[path] = [...(byPath[path] ?? []), issue.message];
  }
  return byPath;
}

const someId = "00000000-0000-4000-8000-000000000001";

describe("@synchub/api/schemas", () => {
  it("bundles for the browser as the admin imports it, without the database, node: modules or server code", async () => {
    const result = await esbuild.build({
      stdin: {
        contents: 'export * from "@synchub/api/schemas";',
        // The admin's folder: the import resolves through its dependency and the exports map.
        resolveDir: fileURLToPath(new URL("../../../../apps/admin", import.meta.url)),
        loader: "ts",
      },
      bundle: true,
      platform: "browser",
      format: "esm",
      write: false,
      metafile: true,
      logLevel: "silent",
    });
    const code = result.outputFiles[0]!.text;
    expect(code).not.toMatch(/["']node:/);
    expect(code).not.toMatch(/from\s*["']pg["']|require\(["']pg["']\)/);
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs.some((path) => path.includes("packages/api/src/schemas/"))).toBe(true);
    expect(
      inputs.filter((path) =>
        /packages\/(db|connectors|domain)\/|@trpc|kysely|\/pg\/|cron-parser/.test(path),
      ),
    ).toEqual([]);
  });

  it("speaks to a person: whole numbers, names, lengths, URLs and choices", () => {
    expect(
      messages(schemas.providerSettingsSchema, {
        provider: "openai",
        minIntervalMs: "1.5",
        hourlyCap: 10,
        maxConcurrency: 2,
      }),
    ).toEqual({
      minIntervalMs: ["Use a whole number"],
    });
    expect(
      messages(schemas.providerSettingsSchema, {
        provider: "openai",
        minIntervalMs: "abc",
        hourlyCap: 0,
        maxConcurrency: 101,
      }),
    ).toEqual({
      minIntervalMs: ["Enter a number"],
      hourlyCap: ["The hourly cap must be at least 1"],
      maxConcurrency: ["Use at most 100"],
    });
    expect(
      messages(schemas.providerSettingsSchema, { provider: "openai", hourlyCap: "", maxConcurrency: true }),
    ).toEqual({
      minIntervalMs: ["Enter the pacing in milliseconds"],
      hourlyCap: ["Enter the hourly cap"],
      maxConcurrency: ["Enter a number"],
    });
    // A form's values keep their type: digits as text or a number.
    const typed: z.input<typeof schemas.providerSettingsSchema>["hourlyCap"] = "10";
    expect(typed).toBe("10");
    // Digits from a form's text input are numbers.
    expect(
      schemas.providerSettingsSchema.parse({
        provider: "openai",
        minIntervalMs: "250",
        hourlyCap: "10",
        maxConcurrency: 2,
      }),
    ).toMatchObject({
      minIntervalMs: 250,
      hourlyCap: 10,
    });
    expect(messages(schemas.renameConnectionSchema, { id: someId, name: "   " })).toEqual({
      name: ["Enter a name"],
    });
    expect(messages(schemas.renameConnectionSchema, { id: someId, name: "x".repeat(201) })).toEqual({
      name: ["Use at most 200 characters"],
    });
    expect(
      messages(schemas.createConnectionSchema, {
        tenantId: someId,
        provider: "openai",
        name: "Main",
        baseUrl: "ftp://example.com",
        credentials: { adminKey: "k" },
      }),
    ).toEqual({ baseUrl: ["Enter a valid URL starting with http:// or https://"] });
    expect(messages(schemas.setTenantTierSchema, { id: someId, tier: "gold" })).toEqual({
      tier: ["Pick one of: free, pro, enterprise"],
    });
    expect(messages(schemas.createUserSchema, { username: "", password: "short", role: "admin" })).toEqual({
      username: ["Enter a username"],
      password: ["Use at least 8 characters"],
    });
  });

  it("names every problem of a cron expression, each with its field", () => {
    expect(messages(schemas.schedulePreviewSchema, { cron: "61 25 * 13 *", timeZone: "UTC" })).toEqual({
      cron: [
        'The minute field "61": 61 is outside 0–59',
        'The hour field "25": 25 is outside 0–23',
        'The month field "13": 13 is outside 1–12',
      ],
    });
    expect(messages(schemas.schedulePreviewSchema, { cron: "0 9 * *", timeZone: "Mars/Olympus" })).toEqual({
      cron: ["Use 5 fields (minute hour day-of-month month day-of-week), not 4"],
      timeZone: ['Unknown time zone "Mars/Olympus": use an IANA name such as "Europe/Berlin" or "UTC"'],
    });
    expect(schemas.cronSchema.parse("  */5   9-17 * * mon-fri ")).toBe("*/5 9-17 * * mon-fri");
  });

  it("judges cron expressions as the engine's cronProblem does", () => {
    const corpus = [
      "* * * * *",
      "*/5 * * * *",
      "0 9 * * 1-5",
      "0 9 * * mon-fri",
      "0 0 1 jan *",
      "0 0 * * 7",
      "0 0 29 2 *",
      "0 0 30 2 *",
      "0 0 31 4,6 *",
      "0 0 31 4,7 *",
      "5/15 * * * *",
      "0-59/10 * * * *",
      "1,2,3 4,5 6 7 0",
      "0 0 L * *",
      "0 0 ? * *",
      "H * * * *",
      "60 * * * *",
      "* 24 * * *",
      "* * 0 * *",
      "* * 32 * *",
      "* * * 0 *",
      "* * * * 8",
      "*/0 * * * *",
      "5-1 * * * *",
      "* * * foo *",
      "0 9 * *",
      "0 9 * * * *",
      "",
    ];
    const verdicts = corpus.map((cron) => ({
      cron,
      schemas: schemas.cronProblems(cron).length === 0,
      engine: domain.cronProblem(cron) === null,
    }));
    expect(verdicts.filter((v) => v.schemas !== v.engine)).toEqual([]);
  });

  it("keeps its copies of the server's lists equal to the originals", () => {
    expect(schemas.providerIds).toEqual(connectors.providerIds);
    expect([...schemas.tiers].sort()).toEqual([...domain.tiers].sort());
    expect(schemas.missedPolicies).toEqual(domain.missedPolicies);
    expect(schemas.maxCatchUpCap).toBe(domain.maxCatchUpCap);
    expect(schemas.quotaMetrics).toEqual(db.quotaMetrics);
    expect(schemas.creditTasks).toEqual(db.creditTasks);
    for (const provider of connectors.providerIds) {
      const copy = schemas.credentialsSchemaFor(provider);
      const original = connectors.credentialsSchemaFor(provider);
      expect(Object.keys(copy.shape)).toEqual(Object.keys(original.shape));
      expect(messages(copy, {})).toEqual(messages(original, {}));
      expect(messages(copy, Object.fromEntries(Object.keys(copy.shape).map((k) => [k, "  "])))).toEqual(
        messages(original, Object.fromEntries(Object.keys(original.shape).map((k) => [k, "  "]))),
      );
    }
  });
});

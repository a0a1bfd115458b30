/**
 * `pnpm bench`: each benchmark prints its figure next to the reference it is measured against in
 * the same run, as a ratio, because shared machines are noisy. Pick some with `pnpm bench NAME...`.
 */
import { crashRecovery } from "./crashRecovery.ts";
import { creditsGrant } from "./creditsGrant.ts";
import { engineOverhead } from "./engineOverhead.ts";
import { startBenchPostgres } from "./harness.ts";
import { lateness } from "./lateness.ts";
import { quotaConsume } from "./quotaConsume.ts";
import { restart } from "./restart.ts";
import { scale } from "./scale.ts";
import { sweep } from "./sweep.ts";

export interface BenchResult {
  name: string;
  figure: string;
  reference: string;
  ratio: number;
  target: string;
  ok: boolean;
  detail: string;
}

const all: Record<string, (server: Awaited<ReturnType<typeof startBenchPostgres>>) => Promise<BenchResult>> =
  {
    overhead: engineOverhead,
    sweep,
    lateness,
    crash: crashRecovery,
    quota: quotaConsume,
    grant: creditsGrant,
    // Stops and starts its own Postgres, not the shared one.
    restart: () => restart(),
    scale,
  };
/** Run only when named: seeding two databases (1.1M runs) and timing them takes minutes on its own. */
const onlyWhenNamed = new Set(["scale"]);

const chosen = process.argv.slice(2).filter((arg) => arg !== "--");
const names = chosen.length > 0 ? chosen : Object.keys(all).filter((name) => !onlyWhenNamed.has(name));
const unknown = names.filter((name) => !(name in all));
if (unknown.length > 0) {
  console.error(`Unknown benchmark(s): ${unknown.join(", ")}. Known: ${Object.keys(all).join(", ")}`);
  process.exit(2);
}

const server = await startBenchPostgres();
const results: BenchResult[] = [];
try {
  for (const name of names) {
    console.log(`\n▶ ${name} …`);
    const result = await all[name]!(server);
    results.push(result);
    console.log(`  ${result.figure}  vs  ${result.reference}`);
    console.log(`  ratio ${result.ratio.toFixed(2)} (${result.target}) ${result.ok ? "✓" : "✗"}`);
    console.log(`  ${result.detail}`);
  }
} finally {
  await server.stop();
}
console.log("\nSummary");
for (const r of results)
  console.log(
    `  ${r.ok ? "✓" : "✗"} ${r.name}: ${r.figure} | ${r.reference} | ratio ${r.ratio.toFixed(2)} (${r.target})`,
  );
process.exit(0);

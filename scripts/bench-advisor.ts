/**
 * `npm run bench:advisor`: the strategy advisor on every core: NSGA-II over the devnet registry's default search
 * space (risk weights, rebalance band and trade cap, collateral target, hedge ratio), each set on the same 2,000
 * paths × 365 daily steps of the devnet scenario's market, then the front's robustness runs. Prints each phase, the
 * front, then a last line of JSON: {"sets","paths","steps","cores","seconds"} (seconds: the whole advisor run, the
 * workers' start included).
 *
 * Options: --population N, --generations N, --paths N, --steps N, --threads N (default: the machine's cores).
 */
import { availableParallelism } from "node:os";
import { parseArgs } from "node:util";
import { devnetMarketModel, devnetRuleRanges, devnetStartPoint } from "../devnet/startPoint.ts";
import { advise } from "../sim/advisor/advise.ts";
import { withThreadPool } from "../sdk/advisor/threads.ts";

const { values } = parseArgs({
  options: {
    population: { type: "string" },
    generations: { type: "string" },
    paths: { type: "string" },
    steps: { type: "string" },
    threads: { type: "string" },
  },
});
const population = Number(values.population ?? "40");
const generations = Number(values.generations ?? "4");
const paths = Number(values.paths ?? "2000");
const steps = Number(values.steps ?? "365");
const threads = Number(values.threads ?? String(availableParallelism()));

const start = devnetStartPoint();
const t0 = performance.now();
let searchSeconds = 0;
const result = await withThreadPool(
  (evaluate) =>
    advise(
      { start, market: devnetMarketModel(), ranges: devnetRuleRanges(), paths, steps, population, generations },
      evaluate,
      {
        onProgress: ({ phase, done, total }) => {
          if (phase === "search" && done === total) searchSeconds = (performance.now() - t0) / 1000;
          process.stderr.write(`\r${phase} ${done}/${total}   `);
        },
      },
    ),
  threads,
);
const seconds = (performance.now() - t0) / 1000;
process.stderr.write("\n");
const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
console.log(
  `search: ${result.evaluated.length} sets in ${searchSeconds.toFixed(2)} s; robustness and the rest: ${(seconds - searchSeconds).toFixed(2)} s`,
);
console.log(`front: ${result.front.length} points`);
for (const id of result.front) {
  const p = result.evaluated[id]!;
  console.log(
    `  #${id} return ${pct(p.metrics.returnMean)} CVaR95 ${pct(p.metrics.cvar95)} ${JSON.stringify(p.values)}` +
      (p.robustness ? ` — ${p.robustness.overall}` : ""),
  );
}
for (const d of result.dominance)
  console.log(`${d.set}: ${d.dominated ? `dominated by #${d.by}` : "not dominated by any point found"}`);
console.log(
  JSON.stringify({ sets: result.evaluated.length, paths, steps, cores: threads, seconds: Number(seconds.toFixed(2)) }),
);

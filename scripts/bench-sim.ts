/**
 * `npm run bench:sim`: the impact simulation's speed on one core. 10,000 paths × 365 daily steps × 3 assets
 * (USDC, WETH, WBTC) × 2 parameter sets (the catalog's values, and a proposal with a tighter band, larger trades and
 * a higher collateral target), from a devnet-shaped start, on a GBM calibrated like the devnet scenario's market.
 * Prints the time of each phase, then one JSON line.
 *
 * Options: --paths N, --steps N, --repeat N (best of N runs; default 3).
 */
import { parseArgs } from "node:util";
import { devnetMarketModel, devnetStartPoint } from "../devnet/startPoint.ts";
import { createMonteCarlo } from "../sim/monteCarlo.ts";
import { withChanges } from "../sim/model/params.ts";

const { values } = parseArgs({
  options: { paths: { type: "string" }, steps: { type: "string" }, repeat: { type: "string" } },
});
const paths = Number(values.paths ?? "10000");
const steps = Number(values.steps ?? "365");
const repeat = Number(values.repeat ?? "3");

const start = devnetStartPoint();
const symbols = start.setup.symbols;
const proposed = withChanges(
  start.params,
  { "rebalance.bandBps": 400, "rebalance.maxTradeBps": 1_500, "collateral.targetLtvBps": 3_500 },
  symbols,
);
const inputs = {
  setup: start.setup,
  state: start.state,
  pricesUsd: start.pricesUsd,
  params: { current: start.params, proposed },
  market: devnetMarketModel(),
  stress: [],
  paths,
  steps,
  stepSeconds: 86_400,
  seed: 1,
  gasPriceGwei: 5,
};

let best = Infinity;
let simulateSeconds = 0;
let summariseSeconds = 0;
let medianReturn = 0;
for (let i = 0; i < repeat; i++) {
  const t0 = performance.now();
  const run = createMonteCarlo(inputs);
  run.runPaths(paths);
  const t1 = performance.now();
  const results = run.results();
  const t2 = performance.now();
  const seconds = (t2 - t0) / 1000;
  console.log(
    `run ${i + 1}: ${seconds.toFixed(3)} s (paths ${((t1 - t0) / 1000).toFixed(3)} s, ` +
      `metrics and bands ${((t2 - t1) / 1000).toFixed(3)} s)`,
  );
  if (seconds < best) {
    best = seconds;
    simulateSeconds = (t1 - t0) / 1000;
    summariseSeconds = (t2 - t1) / 1000;
    medianReturn = results.current.returnMedian;
  }
}
const assets = symbols.length;
const assetSteps = paths * steps * assets * 2;
console.log(
  `\n${paths.toLocaleString("en-US")} paths × ${steps} steps × ${assets} assets × 2 parameter sets: ` +
    `${best.toFixed(3)} s, ${Math.round(assetSteps / best).toLocaleString("en-US")} asset-steps per second`,
);
console.log(
  JSON.stringify({
    paths,
    steps,
    assets,
    paramSets: 2,
    seconds: Number(best.toFixed(4)),
    assetStepsPerSecond: Math.round(assetSteps / best),
    simulateSeconds: Number(simulateSeconds.toFixed(4)),
    summariseSeconds: Number(summariseSeconds.toFixed(4)),
    medianReturnCurrent: Number(medianReturn.toFixed(6)),
  }),
);

/**
 * `node scripts/simFingerprint.ts [--root DIR] [--against DIR]`: a SHA-256 of every number a set of small Monte Carlo
 * runs and impact reports produce (results, differences, per-path values, bit for bit), to check that a speed-up
 * changes no result. `--root` names the checkout whose sim/ runs (default: this one); `--against` a second
 * checkout (e.g. `git archive main | tar -x -C /tmp/base`, with node_modules linked) whose fingerprints must be equal:
 * the script exits 1, naming the runs that differ, when they are not.
 *
 * The runs cover what the kernel and the summary branch on: debt and a hedge (the devnet start), no debt, every
 * stress scenario (the rate spike included), the pool-oracle gap, a market re-drawn per path, a pool-fee change,
 * chunked runs, `extend`, and full impact reports with stresses, a rerun seed and sensitivity runs.
 */
import { createHash } from "node:crypto";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";

type Module = Record<string, (...args: never[]) => unknown>;

const { values } = parseArgs({ options: { root: { type: "string" }, against: { type: "string" } } });

/** JSON with -0, NaN and the infinities kept apart, and typed arrays as their bytes. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === "number") return Object.is(v, -0) || !Number.isFinite(v) ? `#${Object.is(v, -0) ? "-0" : v}` : v;
    if (ArrayBuffer.isView(v)) return Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("base64");
    return v;
  });
}

const sha = (value: unknown) => createHash("sha256").update(canonical(value)).digest("hex").slice(0, 16);

async function fingerprints(root: string): Promise<Record<string, string>> {
  const load = async (path: string) => (await import(pathToFileURL(resolve(root, path)).href)) as Module;
  const [startPoint, monteCarlo, params, simulate, draws] = await Promise.all([
    load("devnet/startPoint.ts"),
    load("sim/monteCarlo.ts"),
    load("sim/model/params.ts"),
    load("sim/simulate.ts"),
    load("sim/parameterDraws.ts"),
  ]);
  /* eslint-disable @typescript-eslint/no-explicit-any -- modules of another checkout, typed loosely on purpose */
  const start = (startPoint.devnetStartPoint as any)();
  const market = (startPoint.devnetMarketModel as any)();
  const symbols = start.setup.symbols;
  const withChanges = params.withChanges as any;
  const createMonteCarlo = monteCarlo.createMonteCarlo as any;
  const pathMetrics = (monteCarlo as any).pathMetrics as readonly string[];
  const proposed = withChanges(
    start.params,
    { "rebalance.bandBps": 400, "rebalance.maxTradeBps": 1_500, "collateral.targetLtvBps": 3_500 },
    symbols,
  );
  const noDebt = withChanges(start.params, { "collateral.targetLtvBps": 0, "hedge.ratioBps": 0 }, symbols);
  const base = {
    setup: start.setup,
    state: start.state,
    pricesUsd: start.pricesUsd,
    params: { current: start.params, proposed },
    market,
    stress: [],
    paths: 300,
    steps: 120,
    stepSeconds: 86_400,
    seed: 11,
    gasPriceGwei: 5,
  };
  const drawsOf = () =>
    (draws.createMarketDraws as any)(
      { ...market, driftFit: { returns: 365, fromSeconds: 0, toSeconds: 365 * 86_400 } },
      { returns: 365, stepSeconds: 86_400 },
      base.seed,
    );
  const runs: Record<string, object> = {
    devnet: {},
    noDebt: { params: { current: noDebt, proposed } },
    noDebtBoth: { params: { current: noDebt, proposed: noDebt } },
    crash: { stress: ["crash"] },
    volSpike: { stress: ["vol-spike"] },
    usdcDepeg: { stress: ["usdc-depeg"] },
    rateSpike: { stress: ["rate-spike"] },
    allStresses: { stress: ["crash", "vol-spike", "usdc-depeg", "rate-spike"] },
    poolGap: { poolGap: { kind: "arbitrageBand", thresholdBps: 10 } },
    marketOfPath: { marketOfPath: drawsOf() },
    proposedPools: {
      proposedPools: start.setup.pools.map((p: any) => ({ ...p, liquidity: p.liquidity / 3, ticks: undefined })),
    },
    riskFree: { riskFreePerYear: 0.1, seed: -5, gasPriceGwei: 0 },
    onePath: { paths: 1, steps: 1 },
  };
  const out: Record<string, string> = {};
  const metricsOf = (run: any) => [0, 1].map((set) => pathMetrics.map((m) => run.pathValues(set, m)));
  for (const [name, overrides] of Object.entries(runs)) {
    const inputs = { ...base, ...overrides };
    const run = createMonteCarlo(inputs);
    run.runPaths(inputs.paths);
    out[name] = sha({ results: run.results(), differences: run.differences(), metrics: metricsOf(run) });
  }
  // Chunks and a grown run give the same numbers as one run.
  const chunked = createMonteCarlo({ ...base, paths: 100 });
  chunked.runPaths(37);
  chunked.runPaths(63);
  chunked.extend(300);
  while (chunked.done() < 300) chunked.runPaths(41);
  out.chunkedExtended = sha({ results: chunked.results(), metrics: metricsOf(chunked) });
  const request = {
    start,
    changes: { "rebalance.bandBps": 300, "collateral.targetLtvBps": 3_500 },
    market,
    paths: 120,
    steps: 60,
    seed: 7,
  };
  const simulateNow = simulate.simulateNow as any;
  const report = (overrides: object) => {
    const { generatedAt: _generatedAt, ...rest } = simulateNow({ ...request, ...overrides });
    return sha(rest);
  };
  out.report = report({});
  out.reportStresses = report({ stress: ["crash", "rate-spike"], rerunSeed: 9, sensitivity: { paths: 60 } });
  out.reportPoolGap = report({ poolGap: { kind: "arbitrageBand", thresholdBps: 10 }, changes: {} });
  /* eslint-enable @typescript-eslint/no-explicit-any */
  return out;
}

const mine = await fingerprints(values.root ?? process.cwd());
console.log(JSON.stringify(mine, null, 1));
if (values.against) {
  const theirs = await fingerprints(values.against);
  const differing = Object.keys(mine).filter((k) => mine[k] !== theirs[k]);
  if (differing.length > 0) {
    console.error(`differ from ${values.against}: ${differing.join(", ")}`);
    process.exit(1);
  }
  console.log(`all ${Object.keys(mine).length} fingerprints equal those of ${values.against}`);
}

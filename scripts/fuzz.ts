/**
 * `npm run fuzz [-- --sequences N --steps N --seed N]`: the vault's adversarial stateful suite at scale (the engine
 * of test/vault/adversary). Prints progress and each violation, then, as its last line, JSON:
 * {"sequences","steps","violations"} (violations a count).
 */
import { parseArgs } from "node:util";
import hre from "hardhat";
import { formatFinding, runAdversary } from "../test/vault/adversary/engine.ts";

const { values } = parseArgs({
  options: {
    sequences: { type: "string", default: "10000" },
    steps: { type: "string", default: "50" },
    seed: { type: "string", default: "1" },
    trace: { type: "boolean", default: false },
  },
});
const count = (name: string, value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number, got ${value}`);
  return n;
};
const sequences = count("sequences", values.sequences);
const steps = count("steps", values.steps);
const seed = count("seed", values.seed);

const connection = await hre.network.create();
const started = Date.now();
let violations = 0;
const report = await runAdversary(connection, {
  seed,
  sequences,
  steps,
  trace: values.trace ? (line) => console.log(line) : undefined,
  onSequence: (s, sequence) => {
    for (const f of sequence.violations) console.log(`VIOLATION ${formatFinding(f)}`);
    violations += sequence.violations.length;
    const done = s - seed + 1;
    if (done % 10 === 0 || done === sequences || sequence.violations.length > 0) {
      const seconds = (Date.now() - started) / 1000;
      console.log(`${done}/${sequences} sequences (seed ${s}), ${violations} violations, ${seconds.toFixed(0)} s`);
    }
  },
});
const refusals = [...report.refused].sort((a, b) => b[1] - a[1]);
console.log(`refused (named errors): ${refusals.map(([k, n]) => `${k} ×${n}`).join("; ") || "none"}`);
console.log(JSON.stringify({ sequences: report.sequences, steps: report.steps, violations: report.violations.length }));
await connection.close?.();

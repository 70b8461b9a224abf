import hre from "hardhat";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Connection } from "../helpers/governance.ts";
import { formatFinding, runAdversary } from "./adversary/engine.ts";

/** The suite's size in CI: `npm run fuzz` runs the same engine for as long as one likes. */
const sequences = 200;
const steps = 50;
/** Sequences per test, so that progress shows and each test stays within its timeout. */
const chunk = 20;

/**
 * The vault against adversaries (issue 13): depositors, traders, the feeds (lagging, stale, broken, clamped at their
 * bounds), an L2 sequencer going down, keepers, the guardian, governance and full exits act at random (seeded: a
 * violation names its seed and step, and `npm run fuzz -- --seed N --sequences 1 --trace` replays it), and after
 * every step: every holder can exit in kind, and in cash while the feeds answer within their bounds and their exit's
 * staleness, whatever the sequencer and the guardian; NAV equals the positions
 * at oracle prices; a newcomer's round trip never gains, whether the feeds or the pools are the market; fees stay
 * within their rates and only on gains; rebalance trades within the slippage bound; LTVs within their maximum;
 * EIP-4626's views never revert or overpromise; and every action fails only with a named error.
 */
describe(`vault invariants under adversaries (${sequences} sequences × ${steps} steps)`, () => {
  let connection: Connection;
  const started = Date.now();

  beforeAll(async () => {
    connection = await hre.network.create();
  });

  afterAll(() => {
    const seconds = ((Date.now() - started) / 1000).toFixed(0);
    console.log(`vault adversaries: ${sequences} sequences × ${steps} steps in ${seconds} s`);
  });

  for (let first = 1; first <= sequences; first += chunk) {
    const last = Math.min(first + chunk - 1, sequences);
    it(`sequences ${first}–${last}: no invariant broken, no action failing without a named error`, async () => {
      const report = await runAdversary(connection, {
        seed: first,
        sequences: last - first + 1,
        steps,
      });
      expect(report.violations.map(formatFinding), "violations (seed, step, action — invariant: detail)").toEqual([]);
    }, 900_000);
  }
});

import hre from "hardhat";
import path from "node:path";
import { custom, parseUnits } from "viem";
import { beforeAll, describe, expect, it } from "vitest";
import { checkProposal } from "../../sdk/proposal/check.ts";
import { connectStack, dryRunProposal } from "../../sdk/proposal/deployed.ts";
import { loadProposal } from "../../sdk/proposal/load.ts";
import { dryRunLines } from "../../sdk/proposal/report.ts";
import type { DryRun } from "../../sdk/proposal/dryRun.ts";
import { daySeconds, type Connection } from "../helpers/governance.ts";
import { deployVault, type VaultStack } from "../helpers/vault.ts";

const examples = path.resolve(import.meta.dirname, "../../proposals/examples");

describe("A proposal's dry run, as people read it", () => {
  let connection: Connection;
  let v: VaultStack;
  let dryRun: DryRun;
  beforeAll(async () => {
    connection = await hre.network.create();
    v = await deployVault(connection);
    // Alice's $1,000,000 sits in USDC: the keeper cycle after the proposal buys WETH and WBTC with it.
    await v.vault.write.deposit([parseUnits("1000000", 6), v.accounts.alice.account.address], {
      account: v.accounts.alice.account,
    });
    // Past the weights' min interval since the deployment set them, the feeds fresh.
    await connection.networkHelpers.time.increase(2 * daySeconds);
    await v.setPrices();
    const stack = await connectStack(custom(connection.provider), v.record.contracts, "the test's stack");
    const proposal = await loadProposal(path.join(examples, "reweight.yaml"));
    dryRun = await dryRunProposal(stack, proposal, checkProposal("reweight", proposal, await stack.readSnapshot()));
  });

  it("says NAV in the base asset's units, and keeps its raw value for machines", () => {
    const solvency = dryRun.invariants.find((i) => i.rule === "solvency");
    expect(solvency?.message).toMatch(/^NAV reads \d{1,3}(,\d{3})*\.\d{2} USDC$/);
    expect(dryRun.base).toMatchObject({ address: v.usdc.address, symbol: "USDC", decimals: 6 });
    expect(dryRun.navBaseWei).toBeGreaterThan(parseUnits("990000", 6));
  });

  it("writes each trade in its tokens' units with their symbols, and each change in its unit", () => {
    const trades = dryRun.keeper.flatMap((k) => k.trades);
    expect(trades.length).toBeGreaterThan(0);
    expect(Object.values(dryRun.tokens).map((t) => t.symbol)).toContain("USDC");
    const lines = dryRunLines(dryRun);
    expect(lines.slice(0, 2)).toEqual(["- `weight.USDC`: 40% → 35%", "- `weight.WBTC`: 20% → 25%"]);
    const rebalance = lines.find((line) => line.startsWith("- rebalance: executed"));
    expect(rebalance).toMatch(/; sell [\d,]+\.\d\d USDC → \d+\.\d{4} (WETH|WBTC), slippage -?[\d.]+ bps/);
    expect(rebalance).not.toMatch(/\d{10}/);
  });
});

import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { arbitrum, base, mainnet } from "../../networks/index.ts";
import { readDeployParameters } from "../../ignition/parametersFile.ts";
import { planPlatform } from "../../ignition/plan.ts";
import { parameterCatalog } from "../../parameters/index.ts";

async function parametersFile(content: unknown): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "trimtab-deploy-"));
  const file = path.join(dir, "mainnet.json");
  await writeFile(file, JSON.stringify(content));
  return file;
}

describe("the plan of a whole-platform deployment", () => {
  it("deploys every contract on mainnet's book, with the catalog and every asset's parameters in the registry", () => {
    const plan = planPlatform(mainnet);
    expect(plan.errors).toEqual([]);
    expect(plan.contracts.map((c) => c.name)).toEqual([
      "TrimtabToken",
      "TimelockController",
      "TrimtabGovernor",
      "ParameterRegistry",
      "ProposalGuard",
      "VaultSettingsLib",
      "ViewPricesLib",
      "RebalancePlanLib",
      "ExitPlanLib",
      "PortfolioVault",
      "CollateralManager",
    ]);
    const names = plan.parameters.map((p) => p.name);
    expect(names.slice(0, parameterCatalog.length)).toEqual(parameterCatalog.map((p) => p.name));
    for (const asset of [mainnet.baseAsset, ...mainnet.riskAssets]) {
      const value = (name: string) => plan.parameters.find((p) => p.name === `${name}.${asset.symbol}`)?.value;
      expect(value("feed")).toBe(BigInt(asset.feed.address));
      expect(value("heartbeat")).toBe(BigInt(asset.feed.heartbeatSec!));
    }
    expect(plan.parameters.find((p) => p.name === "poolFee.WETH")?.value).toBe(
      BigInt(mainnet.uniswap.pools.find((p) => p.tokens.includes("WETH"))!.fee),
    );
    // Every address it uses names its source.
    for (const a of plan.addresses) expect(a.source, a.role).not.toBe("");
    expect(plan.addresses.map((a) => a.address)).toContain(mainnet.morpho.markets[0]!.oracle);
    expect(plan.warnings).toEqual([expect.stringMatching(/no hedge market.*hedge module is not deployed/)]);
  });

  it("refuses Base's book: its router is SwapRouter02, which the vault cannot trade through", () => {
    const plan = planPlatform(base);
    expect(plan.errors).toEqual([
      expect.stringMatching(/uniswap\.swapRouter is SwapRouter02; the vault needs SwapRouter .*refused/),
    ]);
    expect(plan.warnings).toContainEqual(expect.stringMatching(/uniswap\.swapRouter\.interface: SwapRouter02/));
  });

  it("deploys every contract on Arbitrum One's book, through its SwapRouter, listing the sequencer uptime feed", () => {
    const plan = planPlatform(arbitrum);
    expect(plan.errors).toEqual([]);
    expect(plan.warnings).toEqual([expect.stringMatching(/no hedge market.*hedge module is not deployed/)]);
    expect(plan.chainId).toBe(42161);
    expect(plan.contracts.map((c) => c.name)).toEqual(planPlatform(mainnet).contracts.map((c) => c.name));
    expect(plan.vault.swapRouter).toBe("0xE592427A0AEce92De3Edee1F18E0157C05861564");
    expect(plan.morpho).toBe(arbitrum.morpho.morpho.address);
    expect(plan.collateral.market.oracle).toBe(arbitrum.morpho.markets[0]!.oracle);
    expect(plan.addresses).toContainEqual({
      role: expect.stringMatching(/^sequencer uptime feed/),
      address: "0xFdB631F5EE196F0ed6FAa767959853A9F217697D",
      source: expect.stringContaining("docs.chain.link/data-feeds/l2-sequencer-feeds"),
    });
    expect(plan.addresses).toContainEqual(
      expect.objectContaining({ role: "Uniswap V3 SwapRouter", address: arbitrum.uniswap.swapRouter.address }),
    );
    for (const a of plan.addresses) expect(a.source, a.role).not.toBe("");
    for (const asset of [arbitrum.baseAsset, ...arbitrum.riskAssets]) {
      const value = (name: string) => plan.parameters.find((p) => p.name === `${name}.${asset.symbol}`)?.value;
      expect(value("feed")).toBe(BigInt(asset.feed.address));
      expect(value("heartbeat")).toBe(BigInt(asset.feed.heartbeatSec!));
    }
  });

  it("starts the registry with the L2's sequencer uptime feed and its grace period, and none on L1", () => {
    const value = (plan: ReturnType<typeof planPlatform>, name: string) =>
      plan.parameters.find((p) => p.name === name)?.value;
    const l2 = planPlatform(arbitrum);
    expect(value(l2, "oracle.sequencerFeed")).toBe(BigInt(arbitrum.sequencerUptimeFeed!.address));
    expect(value(l2, "oracle.sequencerGraceSec")).toBe(BigInt(arbitrum.sequencerUptimeFeed!.gracePeriodSec));
    expect(value(planPlatform(mainnet), "oracle.sequencerFeed")).toBe(0n);
  });

  it("takes registry values from the parameters file, and governs with an existing votes token when given one", async () => {
    const token = "0x9f8F72aA9304c8B593d555F12eF6589cC3A579A2";
    const file = await parametersFile({
      token,
      registryGuardian: "0x000000000000000000000000000000000000dEaD",
      registryGuardianExpiresAt: "1798761600",
      parameters: { "rebalance.bandBps": "400", "weight.USDC": "5000", "weight.WETH": "3000", "weight.WBTC": "2000" },
    });
    const plan = planPlatform(mainnet, await readDeployParameters(file), file);
    expect(plan.parameters.find((p) => p.name === "rebalance.bandBps")?.value).toBe(400n);
    expect(plan.parameters.find((p) => p.name === "weight.USDC")?.value).toBe(5_000n);
    expect(plan.overridden).toEqual(["rebalance.bandBps", "weight.USDC", "weight.WETH", "weight.WBTC"]);
    expect(plan.token).toBe(token);
    expect(plan.contracts.map((c) => c.name)).not.toContain("TrimtabToken");
    expect(plan.contracts.find((c) => c.name === "TrimtabGovernor")?.args[0]).toBe(token);
  });

  it.each([
    [
      { parameters: { "rebalance.bandBps": "50" } },
      /mainnet\.json: parameters\.rebalance\.bandBps is 50, below its minimum 100/,
    ],
    [{ parameters: { "fees.managementBps": "900" } }, /parameters\.fees\.managementBps is 900, above its maximum 500/],
    [{ parameters: { "pause.deposits": "2" } }, /parameters\.pause\.deposits is 2; a flag is 0 or 1/],
    [
      { parameters: { "weight.DOGE": "1" } },
      /parameters\.weight\.DOGE is not a registry parameter of mainnet's deployment/,
    ],
    [{ parameters: { "weight.USDC": "9000" } }, /weight\.<SYMBOL> values add up to 15000 bps, not 10000/],
    [
      { parameters: { "rebalance.bandBps": 400 } },
      /parameters\.rebalance\.bandBps must be a whole number written as a string/,
    ],
    [{ collateralAsset: "DOGE" }, /collateralAsset "DOGE" is not a risk asset of mainnet's book/],
    [{ registryGuardian: "0x000000000000000000000000000000000000dEaD" }, /registryGuardianExpiresAt is required/],
    [{ quorum: "4" }, /mainnet\.json: unknown parameter "quorum"/],
    [
      { token: "0x9f8F72aA9304c8B593d555F12eF6589cC3A579A2", tokenSupply: "1" },
      /mainnet\.json: tokenSupply is for a new token, and the file names an existing one/,
    ],
  ])("refuses %j with an error naming the key", async (content, message) => {
    const file = await parametersFile(content);
    await expect(async () => planPlatform(mainnet, await readDeployParameters(file), file)).rejects.toThrow(message);
  });
});

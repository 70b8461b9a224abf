/**
 * The registry as a proposal is checked against: every parameter with its value, rules, last update and governance's
 * baseline, read from the chain with viem; the governor's and the timelock's delays, which decide the earliest
 * execution; the guardian's mandate; and the governance settings a proposal's calldata may lower (the permissions
 * policy compares with them).
 */
import type { Address, PublicClient } from "viem";
import { parameterRegistryAbi, timelockControllerAbi, trimtabGovernorAbi } from "../abis/contracts.ts";
import { parameterCatalog, vaultAssetParameters } from "../../parameters/catalog.ts";
import { parameterName } from "../../parameters/parameterKey.ts";
import { parameterKinds, riskDirections, stepKinds, type ParameterSpec } from "../../parameters/types.ts";
import type { RegistryParameter, RegistrySnapshot } from "./check.ts";

/** The registry and timing at the latest block. `base` names the vault's base asset for amounts. */
export async function readRegistrySnapshot(
  client: PublicClient,
  addresses: { registry: Address; governor: Address },
  base: { symbol: string; decimals: number },
): Promise<RegistrySnapshot> {
  const block = await client.getBlock();
  const blockNumber = block.number;
  const registry = { address: addresses.registry, abi: parameterRegistryAbi, blockNumber } as const;
  const governor = { address: addresses.governor, abi: trimtabGovernorAbi, blockNumber } as const;
  const [
    keys,
    guardianExpiresAt,
    votingDelay,
    votingPeriod,
    timelock,
    quorumNumerator,
    lateQuorumExtension,
    proposalGuardianExpiresAt,
    proposalThreshold,
  ] = await Promise.all([
    client.readContract({ ...registry, functionName: "parameterKeys" }),
    client.readContract({ ...registry, functionName: "guardianExpiresAt" }),
    client.readContract({ ...governor, functionName: "votingDelay" }),
    client.readContract({ ...governor, functionName: "votingPeriod" }),
    client.readContract({ ...governor, functionName: "timelock" }),
    client.readContract({ ...governor, functionName: "quorumNumerator" }),
    client.readContract({ ...governor, functionName: "lateQuorumVoteExtension" }),
    client.readContract({ ...governor, functionName: "proposalGuardianExpiresAt" }),
    client.readContract({ ...governor, functionName: "proposalThreshold" }),
  ]);
  const minDelay = await client.readContract({
    address: timelock,
    abi: timelockControllerAbi,
    functionName: "getMinDelay",
    blockNumber,
  });
  const [infos, baselines] = await Promise.all([
    Promise.all(keys.map((key) => client.readContract({ ...registry, functionName: "parameter", args: [key] }))),
    Promise.all(
      keys.map((key) => client.readContract({ ...registry, functionName: "governanceBaseline", args: [key] })),
    ),
  ]);
  const parameters: Record<string, RegistryParameter> = {};
  for (const [i, info] of infos.entries()) {
    const [baselineValue, baselineAt] = baselines[i]!;
    const name = parameterName(info.key);
    parameters[name] = {
      name,
      kind: parameterKinds[info.kind] as RegistryParameter["kind"],
      saferDirection: riskDirections[info.saferDirection]!,
      value: info.value,
      rules: {
        min: info.rules.min,
        max: info.rules.max,
        stepKind: stepKinds[info.rules.stepKind]!,
        maxStep: info.rules.maxStep,
        minIntervalSeconds: info.rules.minIntervalSeconds,
      },
      updatedAtSeconds: info.updatedAt,
      governanceBaseline: { value: baselineValue, updatedAtSeconds: baselineAt },
    };
  }
  return {
    parameters,
    // The governor's clock is timestamps (TrimtabToken votes on a timestamp clock), so delays are seconds.
    earliestExecutionSeconds: Number(block.timestamp + votingDelay + votingPeriod + minDelay),
    guardianExpiresAtSeconds: guardianExpiresAt,
    authority: {
      timelock,
      settings: {
        votingDelay: BigInt(votingDelay),
        votingPeriod: BigInt(votingPeriod),
        minDelay,
        quorum: quorumNumerator,
        lateQuorumExtension: BigInt(lateQuorumExtension),
        proposalGuardianExpiry: BigInt(proposalGuardianExpiresAt),
        proposalThreshold,
      },
    },
    baseSymbol: base.symbol,
    baseDecimals: base.decimals,
  };
}

/**
 * A snapshot of parameters as a catalog defines them (first values and rules, never updated): for checking a
 * proposal without a chain, and in tests.
 */
export function catalogSnapshot(
  specs: readonly ParameterSpec[],
  timing: { earliestExecutionSeconds: number; guardianExpiresAtSeconds: number; updatedAtSeconds?: number },
  base: { symbol: string; decimals: number },
): RegistrySnapshot {
  return {
    parameters: Object.fromEntries(
      specs.map((spec) => [
        spec.name,
        {
          name: spec.name,
          kind: spec.kind,
          saferDirection: spec.saferDirection,
          value: spec.value,
          rules: spec.rules,
          updatedAtSeconds: timing.updatedAtSeconds ?? 0,
        },
      ]),
    ),
    earliestExecutionSeconds: timing.earliestExecutionSeconds,
    guardianExpiresAtSeconds: timing.guardianExpiresAtSeconds,
    baseSymbol: base.symbol,
    baseDecimals: base.decimals,
  };
}

/**
 * The devnet's registry as the catalog defines it (USDC 40%, WETH 40% and WBTC 20% on 0.3% pools, the catalog's first
 * values and rules), last changed 60 days before `nowSeconds`, a proposal made then executing 6 days later and the
 * guardian's mandate running a year: for tests without a chain.
 */
export function devnetCatalogSnapshot(nowSeconds: number): RegistrySnapshot {
  const day = 86_400;
  const feed = (n: number) => `0x${n.toString(16).padStart(40, "0")}` as Address;
  const assets = vaultAssetParameters([
    { symbol: "USDC", feed: feed(1), heartbeatSec: 86_400n, weightBps: 4_000n },
    { symbol: "WETH", feed: feed(2), heartbeatSec: 3_600n, weightBps: 4_000n, poolFee: 3_000 },
    { symbol: "WBTC", feed: feed(3), heartbeatSec: 3_600n, weightBps: 2_000n, poolFee: 3_000 },
  ]);
  return catalogSnapshot(
    [...parameterCatalog, ...assets],
    {
      earliestExecutionSeconds: nowSeconds + 6 * day,
      guardianExpiresAtSeconds: nowSeconds + 365 * day,
      updatedAtSeconds: nowSeconds - 60 * day,
    },
    { symbol: "USDC", decimals: 6 },
  );
}

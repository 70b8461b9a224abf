/**
 * The plan of a whole-platform deployment, computed from an address book and a parameters file without touching
 * a chain: every external address it uses (each with the book's source), every registry parameter (the catalog and
 * the book's assets', with the file's overrides checked against their rules), and every contract in the order
 * Ignition deploys it, with its constructor arguments. The gas estimate (ignition/planGas.ts), the deployment
 * (ignition/platform.ts) and the verification inputs (ignition/verification.ts) all read this one plan.
 */
import { zeroAddress, type Address } from "viem";
import {
  validateAddressBook,
  vaultSwapRouterInterface,
  type AddressBook,
  type AssetEntry,
  type MorphoMarketEntry,
} from "../networks/index.ts";
import {
  encodeDefinition,
  parameterCatalogFor,
  vaultAssetParameters,
  type ParameterSpec,
} from "../parameters/index.ts";
import type { GovernanceParameters } from "./deploy.ts";
import { governanceDefaults, timelockRoles } from "./modules/Governance.ts";

/** A Morpho Blue market's parameters, as MorphoModule's constructor takes them. */
export type MarketParameters = {
  loanToken: Address;
  collateralToken: Address;
  oracle: Address;
  irm: Address;
  lltv: bigint;
};

/** What a parameters file holds (ignition/parametersFile.ts reads one): all optional. */
export type DeployParameters = {
  /** The Governance module's parameters (ignition/modules/Governance.ts); parameterDefinitions come from the plan. */
  governance?: Omit<GovernanceParameters, "parameterDefinitions">;
  /** An existing ERC20Votes token to govern with, instead of deploying TRIM. */
  token?: Address;
  /** Registry values by parameter name (`rebalance.bandBps`, `weight.WETH`), each within its rules. */
  parameters?: Readonly<Record<string, bigint>>;
  /** The risk asset the collateral manager posts on Morpho (default: the book's first). */
  collateralAsset?: string;
  /**
   * The hedge's market: a Morpho Blue market lending `asset` (a risk asset) against the base asset. Address books
   * list only markets lending the base asset, so without it no hedge module is deployed.
   */
  hedge?: { asset: string; market: MarketParameters; source: string };
  vaultName?: string;
  vaultSymbol?: string;
};

/** A deployment's own contracts, by the names the deployment record gives them. */
export type PlatformContractName =
  | "TrimtabToken"
  | "TimelockController"
  | "TrimtabGovernor"
  | "ParameterRegistry"
  | "ProposalGuard"
  | "VaultSettingsLib"
  | "ViewPricesLib"
  | "RebalancePlanLib"
  | "ExitPlanLib"
  | "PortfolioVault"
  | "CollateralManager"
  | "HedgeModule";

/** A constructor argument that is another contract of the deployment (or the deployer), known once deployed. */
export type ContractRef = { ref: PlatformContractName | "deployer" };

/** One contract to deploy: its artifact, its arguments (with references) and the libraries it links. */
export type PlannedContract = {
  name: PlatformContractName;
  artifact: string;
  args: readonly unknown[];
  libraries?: Readonly<Record<string, PlatformContractName>>;
};

/** One transaction to a contract of the deployment after it is deployed (the timelock's role changes). */
export type PlannedCall = {
  name: string;
  contract: PlatformContractName;
  functionName: string;
  args: readonly unknown[];
};

/** An address the deployment uses and where it comes from. */
export type PlannedAddress = { role: string; address: Address; source: string };

export type PlatformPlan = {
  network: string;
  chainId: number;
  /** The addresses to be used, each with its source (the book's entry or the parameters file). */
  addresses: PlannedAddress[];
  /** The registry's first parameters, in the order the registry gets them. */
  parameters: ParameterSpec[];
  /** The names whose value the parameters file set. */
  overridden: string[];
  /** The Governance module's parameters, the registry's definitions included. */
  governance: GovernanceParameters;
  /** The existing votes token, when the deployment governs with one. */
  token?: Address;
  vault: {
    baseToken: Address;
    baseSymbol: string;
    riskTokens: Address[];
    riskSymbols: string[];
    swapRouter: Address;
    uniswapFactory: Address;
    name: string;
    symbol: string;
  };
  morpho: Address;
  collateral: { symbol: string; loanSymbol: string; market: MarketParameters };
  hedge?: { riskSymbol: string; baseSymbol: string; market: MarketParameters };
  contracts: PlannedContract[];
  calls: PlannedCall[];
  /** The book's errors and what else stops the deployment: nothing is sent while there is one. */
  errors: string[];
  /** What the deployment handles but the operator should know. */
  warnings: string[];
};

/** The vault's target weights when the parameters file sets none: 40% base asset, the rest split evenly. */
export function defaultWeightsBps(book: AddressBook): Record<string, bigint> {
  const risk = book.riskAssets.length;
  const share = 6_000n / BigInt(risk);
  const weights: Record<string, bigint> = { [book.baseAsset.symbol]: 4_000n + (6_000n - share * BigInt(risk)) };
  for (const asset of book.riskAssets) weights[asset.symbol] = share;
  return weights;
}

const market = (entry: MorphoMarketEntry): MarketParameters => ({
  loanToken: entry.loanToken,
  collateralToken: entry.collateralToken,
  oracle: entry.oracle,
  irm: entry.irm,
  lltv: BigInt(entry.lltv),
});

/** The error a parameters file's value gets when it breaks its parameter's rules; undefined when it keeps them. */
export function overrideProblem(spec: ParameterSpec, value: bigint): string | undefined {
  if (spec.kind === "address") return value < 2n ** 160n ? undefined : "is not an address";
  if (spec.kind === "bool" && value > 1n) return `is ${value}; a flag is 0 or 1`;
  if (value < spec.rules.min) return `is ${value}, below its minimum ${spec.rules.min}`;
  if (value > spec.rules.max) return `is ${value}, above its maximum ${spec.rules.max}`;
  return undefined;
}

/**
 * The plan of deploying the whole platform with `book` and `parameters` (from `source`, the parameters file, named
 * in errors). Throws when a parameter override is unknown or breaks its rules; the book's own problems are in
 * `errors` and `warnings`.
 */
export function planPlatform(
  book: AddressBook,
  parameters: DeployParameters = {},
  source: string = "parameters",
): PlatformPlan {
  const report = validateAddressBook(book);
  const errors = report.errors.map((p) => `address book ${book.name}: ${p.path}: ${p.message}`);
  const warnings = report.warnings.map((p) => `address book ${book.name}: ${p.path}: ${p.message}`);
  // The vault and its modules call v3-periphery's ISwapRouter; through another router every trade reverts, so a
  // deployment there would be a vault that cannot rebalance: refused, not merely warned about.
  if (book.uniswap.swapRouter.interface !== vaultSwapRouterInterface)
    errors.push(
      `address book ${book.name}: uniswap.swapRouter is ${book.uniswap.swapRouter.interface}; the vault needs ` +
        `${vaultSwapRouterInterface} (exactInputSingle with deadline), so the deployment is refused on this network`,
    );

  const weights = defaultWeightsBps(book);
  const poolFee = (asset: AssetEntry) =>
    book.uniswap.pools.find((p) => p.tokens.includes(asset.symbol) && p.tokens.includes(book.baseAsset.symbol))?.fee;
  const settings = (asset: AssetEntry, risk: boolean) => ({
    symbol: asset.symbol,
    feed: asset.feed.address,
    heartbeatSec: BigInt(asset.feed.heartbeatSec ?? 0),
    weightBps: weights[asset.symbol]!,
    ...(risk ? { poolFee: poolFee(asset) } : {}),
  });
  // On an L2 the registry starts with the book's sequencer uptime feed and its grace period (L1: none).
  const sequencer = book.sequencerUptimeFeed;
  const catalog = [
    ...parameterCatalogFor(
      sequencer ? { sequencerFeed: sequencer.address, sequencerGraceSec: BigInt(sequencer.gracePeriodSec) } : {},
    ),
    ...vaultAssetParameters([settings(book.baseAsset, false), ...book.riskAssets.map((a) => settings(a, true))]),
  ];
  const overrides = parameters.parameters ?? {};
  const byName = new Map(catalog.map((spec) => [spec.name, spec]));
  for (const [name, value] of Object.entries(overrides)) {
    const spec = byName.get(name);
    if (!spec)
      throw new Error(
        `${source}: parameters.${name} is not a registry parameter of ${book.name}'s deployment; known: ${[...byName.keys()].join(", ")}`,
      );
    const problem = overrideProblem(spec, value);
    if (problem) throw new Error(`${source}: parameters.${name} ${problem}`);
  }
  const specs = catalog.map((spec) => (spec.name in overrides ? { ...spec, value: overrides[spec.name]! } : spec));
  const weightSum = book.riskAssets.reduce(
    (sum, a) => sum + specs.find((s) => s.name === `weight.${a.symbol}`)!.value,
    specs.find((s) => s.name === `weight.${book.baseAsset.symbol}`)!.value,
  );
  if (weightSum !== 10_000n)
    throw new Error(`${source}: parameters: the weight.<SYMBOL> values add up to ${weightSum} bps, not 10000`);

  const risk = (symbol: string, what: string) => {
    const asset = book.riskAssets.find((a) => a.symbol === symbol);
    if (!asset)
      throw new Error(
        `${source}: ${what} "${symbol}" is not a risk asset of ${book.name}'s book (${book.riskAssets.map((a) => a.symbol).join(", ")})`,
      );
    return asset;
  };
  const collateralAsset = risk(parameters.collateralAsset ?? book.riskAssets[0]!.symbol, "collateralAsset");
  const collateralMarket = book.morpho.markets.find((m) => m.collateral === collateralAsset.symbol);
  if (!collateralMarket) throw new Error(`address book ${book.name}: no Morpho market for ${collateralAsset.symbol}`);
  if (parameters.hedge) {
    const hedged = risk(parameters.hedge.asset, "hedge.asset");
    const m = parameters.hedge.market;
    if (m.loanToken !== hedged.address)
      throw new Error(`${source}: hedge.market.loanToken must be ${hedged.symbol} (${hedged.address})`);
    if (m.collateralToken !== book.baseAsset.address)
      throw new Error(
        `${source}: hedge.market.collateralToken must be ${book.baseAsset.symbol} (${book.baseAsset.address})`,
      );
  } else
    warnings.push(
      `no hedge market (the parameters file's "hedge"): the hedge module is not deployed; module.hedge stays zero`,
    );

  const governance: GovernanceParameters = {
    ...parameters.governance,
    parameterDefinitions: specs.map(encodeDefinition),
  };
  const g = { ...governanceDefaults, ...parameters.governance };
  for (const key of ["tokenRecipient", "tokenSupply"] as const)
    if (parameters.token && parameters.governance?.[key] !== undefined)
      throw new Error(`${source}: ${key} is for a new token, and the file names an existing one (token)`);
  if (g.registryGuardian !== zeroAddress && g.registryGuardianExpiresAt === 0n)
    throw new Error(`${source}: registryGuardianExpiresAt is required with a registryGuardian (a Unix time)`);

  const addresses: PlannedAddress[] = [
    ...[book.baseAsset, ...book.riskAssets].flatMap((a) => [
      { role: `${a.symbol} token`, address: a.address, source: a.source },
      { role: `${a.symbol} feed (${a.feed.pair})`, address: a.feed.address, source: a.feed.source },
    ]),
    ...(book.sequencerUptimeFeed
      ? [
          {
            role: "sequencer uptime feed (oracle.sequencerFeed)",
            address: book.sequencerUptimeFeed.address,
            source: book.sequencerUptimeFeed.source,
          },
        ]
      : []),
    { role: "Uniswap V3 factory", ...book.uniswap.factory },
    { role: `Uniswap V3 ${book.uniswap.swapRouter.interface}`, ...pick(book.uniswap.swapRouter) },
    ...book.uniswap.pools.map((pool) => ({
      role: `Uniswap V3 pool ${pool.tokens.join("/")} ${pool.fee / 10_000}% (found by factory and fee)`,
      address: pool.address,
      source: pool.source,
    })),
    { role: "Morpho Blue", ...book.morpho.morpho },
    {
      role: `Morpho market ${collateralAsset.symbol}/${book.baseAsset.symbol} oracle (collateral manager)`,
      address: collateralMarket.oracle,
      source: collateralMarket.source,
    },
    { role: "Morpho IRM", ...book.morpho.irm },
    ...(parameters.hedge
      ? [
          {
            role: `Morpho market ${book.baseAsset.symbol}/${parameters.hedge.asset} oracle (hedge)`,
            address: parameters.hedge.market.oracle,
            source: parameters.hedge.source,
          },
        ]
      : []),
    ...(parameters.token ? [{ role: "votes token", address: parameters.token, source: `${source} token` }] : []),
    ...(g.proposalGuardian !== zeroAddress
      ? [{ role: "proposal guardian", address: g.proposalGuardian, source: `${source} proposalGuardian` }]
      : []),
    ...(g.registryGuardian !== zeroAddress
      ? [{ role: "registry guardian", address: g.registryGuardian, source: `${source} registryGuardian` }]
      : []),
  ];

  const vault = {
    baseToken: book.baseAsset.address,
    baseSymbol: book.baseAsset.symbol,
    riskTokens: book.riskAssets.map((a) => a.address),
    riskSymbols: book.riskAssets.map((a) => a.symbol),
    swapRouter: book.uniswap.swapRouter.address,
    uniswapFactory: book.uniswap.factory.address,
    name: parameters.vaultName ?? "Trimtab Portfolio",
    symbol: parameters.vaultSymbol ?? "tPORT",
  };
  const collateral = {
    symbol: collateralAsset.symbol,
    loanSymbol: book.baseAsset.symbol,
    market: market(collateralMarket),
  };
  const hedge = parameters.hedge
    ? { riskSymbol: parameters.hedge.asset, baseSymbol: book.baseAsset.symbol, market: parameters.hedge.market }
    : undefined;
  const ref = (name: ContractRef["ref"]): ContractRef => ({ ref: name });
  const libraries = ["VaultSettingsLib", "ViewPricesLib", "RebalancePlanLib", "ExitPlanLib"] as const;
  const contracts: PlannedContract[] = [
    ...(parameters.token
      ? []
      : [
          {
            name: "TrimtabToken" as const,
            artifact: "TrimtabToken",
            args: [g.tokenRecipient ?? ref("deployer"), g.tokenSupply],
          },
        ]),
    {
      name: "TimelockController",
      artifact: "TimelockController",
      args: [g.timelockMinDelaySeconds, [], [], ref("deployer")],
    },
    {
      name: "TrimtabGovernor",
      artifact: "TrimtabGovernor",
      args: [
        parameters.token ?? ref("TrimtabToken"),
        ref("TimelockController"),
        {
          votingDelaySeconds: g.votingDelaySeconds,
          votingPeriodSeconds: g.votingPeriodSeconds,
          proposalThreshold: g.proposalThreshold,
          quorumNumerator: g.quorumNumerator,
          lateQuorumExtensionSeconds: g.lateQuorumExtensionSeconds,
          proposalGuardian: g.proposalGuardian,
          proposalGuardianTermSeconds: g.proposalGuardianTermSeconds,
        },
      ],
    },
    {
      name: "ParameterRegistry",
      artifact: "ParameterRegistry",
      args: [
        ref("TimelockController"),
        g.registryGuardian,
        g.registryGuardianExpiresAt,
        governance.parameterDefinitions,
      ],
    },
    {
      name: "ProposalGuard",
      artifact: "ProposalGuard",
      args: [ref("TimelockController"), ref("ParameterRegistry")],
    },
    ...libraries.map((name) => ({ name, artifact: name, args: [] })),
    {
      name: "PortfolioVault",
      artifact: "PortfolioVault",
      args: [
        vault.baseToken,
        vault.baseSymbol,
        vault.riskTokens,
        vault.riskSymbols,
        ref("ParameterRegistry"),
        ref("TimelockController"),
        vault.swapRouter,
        vault.uniswapFactory,
        vault.name,
        vault.symbol,
      ],
      libraries: Object.fromEntries(libraries.map((name) => [name, name])),
    },
    {
      name: "CollateralManager",
      artifact: "CollateralManager",
      args: [
        ref("PortfolioVault"),
        book.morpho.morpho.address,
        collateral.market,
        collateral.symbol,
        collateral.loanSymbol,
        vault.swapRouter,
        vault.uniswapFactory,
      ],
    },
    ...(hedge
      ? [
          {
            name: "HedgeModule" as const,
            artifact: "HedgeModule",
            args: [
              ref("PortfolioVault"),
              book.morpho.morpho.address,
              hedge.market,
              vault.swapRouter,
              vault.uniswapFactory,
              hedge.riskSymbol,
              hedge.baseSymbol,
            ],
          },
        ]
      : []),
  ];
  const calls: PlannedCall[] = [
    ...(["PROPOSER_ROLE", "CANCELLER_ROLE", "EXECUTOR_ROLE"] as const).map((role) => ({
      name: `timelock.grantRole(${role}, governor)`,
      contract: "TimelockController" as const,
      functionName: "grantRole",
      args: [timelockRoles[role], ref("TrimtabGovernor")],
    })),
    {
      name: "timelock.renounceRole(DEFAULT_ADMIN_ROLE, deployer)",
      contract: "TimelockController",
      functionName: "renounceRole",
      args: [timelockRoles.DEFAULT_ADMIN_ROLE, ref("deployer")],
    },
  ];

  return {
    network: book.name,
    chainId: book.chainId,
    addresses,
    parameters: specs,
    overridden: Object.keys(overrides),
    governance,
    ...(parameters.token ? { token: parameters.token } : {}),
    vault,
    morpho: book.morpho.morpho.address,
    collateral,
    ...(hedge ? { hedge } : {}),
    contracts,
    calls,
    errors,
    warnings,
  };
}

function pick(entry: { address: Address; source: string }): { address: Address; source: string } {
  return { address: entry.address, source: entry.source };
}

/** `args` with every reference replaced by `addresses`' entry (an error names a reference without one). */
export function resolveArgs(
  args: readonly unknown[],
  addresses: Readonly<Partial<Record<ContractRef["ref"], Address>>>,
): unknown[] {
  const resolve = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(resolve);
    if (typeof value === "object" && value !== null) {
      if ("ref" in value && Object.keys(value).length === 1) {
        const name = (value as ContractRef).ref;
        const address = addresses[name];
        if (!address) throw new Error(`no address for ${name}`);
        return address;
      }
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolve(v)]));
    }
    return value;
  };
  return args.map(resolve);
}

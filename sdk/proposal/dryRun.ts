/**
 * A proposal's dry run on a chain it may change (a fork: sdk/proposal/deployed.ts `dryRunProposal` makes one): its
 * calls are sent as the timelock would send them (impersonated), their events and reverts decoded; parameters are
 * compared before and after; the vault's invariants are checked on the new settings; one keeper cycle runs
 * (rebalance, collateral, hedge) from an impersonated keeper and its trades are reported with gas and slippage.
 */
import {
  decodeEventLog,
  encodeFunctionData,
  erc20Abi,
  parseEther,
  type Abi,
  type Address,
  type Hex,
  type PublicClient,
  type TestClient,
  type WalletClient,
} from "viem";
import type { ParameterKind } from "../../parameters/types.ts";
import { parameterKey } from "../../parameters/parameterKey.ts";
import type { ProposalAction } from "../proposalArgs.ts";
import { keeperCycle, keeperFunction, type KeeperStep } from "../keeper.ts";
import { decodeRevert, formatRevert } from "../revert.ts";
import { readStartPoint } from "../../sim/chain.ts";
import { validateParams } from "../../sim/model/params.ts";
import type { Check, RegistrySnapshot } from "./checks/types.ts";
import { afterExecution, readVault } from "./afterExecution.ts";
import { formatTokenAmount, type TokenUnits } from "./units.ts";
import type { TransactionTrace } from "./trace.ts";
import type { GuardReport } from "./guard.ts";
import { traceTransaction } from "./traceTransaction.ts";
import { authorityEventNames } from "./authority.ts";

/** An event, decoded with the stack's ABIs (or left raw when no ABI knows it). */
export type DecodedEvent = { address: Address; name: string; args: Record<string, unknown> };

export type CallResult = {
  target: Address;
  status: "success" | "reverted";
  gasUsed: bigint;
  /** The revert, decoded (error name and arguments) when an ABI knows it. */
  error?: string;
  events: DecodedEvent[];
};

/** One keeper transaction of the cycle run after the proposal. */
export type KeeperAction = {
  action: KeeperStep;
  status: "executed" | "not due" | "reverted";
  gasUsed: bigint;
  detail: string;
  trades: { tokenIn: Address; tokenOut: Address; amountIn: bigint; amountOut: bigint; slippageBps: number }[];
};

export type DryRun = {
  /** The block of the chain the dry run started from (the block its fork was made at). */
  blockNumber: bigint;
  calls: CallResult[];
  /** The parameters the calls changed, registry values in the parameter's unit (its kind says which). */
  parameters: { name: string; kind: ParameterKind; before: bigint; after: bigint }[];
  /** Role, ownership, guardian, rules and governance-setting changes the calls made (authority.ts names them). */
  authority: DecodedEvent[];
  invariants: Check[];
  keeper: KeeperAction[];
  /** The vault's base asset: what NAV and base-asset parameters are in. */
  base: TokenUnits & { address: Address };
  /** NAV after the proposal, in base wei (the solvency invariant says it in the base asset's units). */
  navBaseWei?: bigint;
  /** The tokens the keeper's trades and the proposal's transfers moved, by address: what their amounts are in. */
  tokens: Record<Address, TokenUnits>;
  /** Each mined call's trace (call tree, state diff), for the trace rules (checks/trace.ts); absent in old reports. */
  traces?: TransactionTrace[];
  /**
   * The postcondition guard: its conditions, its batch and that batch's rehearsal (dryRunProposal.ts), when the
   * proposal is (or is to be) guarded.
   */
  guard?: GuardReport;
};

/** The chain the dry run runs on, which it changes (a fork), and whom it acts as. */
export type DryRunContext = {
  publicClient: PublicClient;
  testClient: TestClient;
  walletClient: WalletClient;
  abi: Abi;
  addresses: {
    timelock: Address;
    vault: Address;
    /** The vault's base asset: a trade paying it out sold the risk asset. */
    base: Address;
    collateralManager?: Address;
    hedgeModule?: Address;
  };
  /** Who runs the keeper cycle (its functions are open to anyone): impersonated and funded, like the timelock. */
  keeper: Address;
  /** The registry before and after, read by the caller's `readSnapshot`. */
  readSnapshot: () => Promise<RegistrySnapshot>;
  /** The stack's contracts by name (a deployment record's), to name them in the traces. */
  contracts?: Readonly<Record<string, Address | undefined>>;
};

const authorityEvents = new Set(authorityEventNames);

/** Runs `actions` as the timelock on the chain of `context`, then one keeper cycle; the chain keeps what they did. */
export async function dryRun(context: DryRunContext, actions: readonly ProposalAction[]): Promise<DryRun> {
  const { publicClient, testClient, abi, addresses } = context;
  // Each transaction one second after the one before, from the latest block: the same proposal on the same chain
  // gives the same dry run, interest and fees included (wall-clock timestamps would not).
  const latest = await publicClient.getBlock();
  let nextTimestamp = latest.timestamp;
  const mineNext = () => testClient.setNextBlockTimestamp({ timestamp: ++nextTimestamp });
  const before = await context.readSnapshot();
  for (const address of [addresses.timelock, context.keeper]) {
    await testClient.impersonateAccount({ address });
    await testClient.setBalance({ address, value: parseEther("10") });
  }
  const vaultBefore = await readVault(context);
  const calls: CallResult[] = [];
  const traces: TransactionTrace[] = [];
  for (const action of actions) {
    calls.push(await send(context, addresses.timelock, action.target, action.data, action.value ?? 0n));
  }
  const after = await context.readSnapshot();
  const parameters = Object.values(after.parameters)
    .map((p) => ({ name: p.name, kind: p.kind, before: before.parameters[p.name]?.value ?? 0n, after: p.value }))
    .filter((p) => p.before !== p.after);
  const base = { address: addresses.base, symbol: after.baseSymbol, decimals: after.baseDecimals };
  let navBaseWei: bigint | undefined;

  const invariants: Check[] = [];
  try {
    const start = await readStartPoint(publicClient, addresses.vault);
    validateParams(start.params, start.setup, "parameters after the proposal");
    invariants.push({
      rule: "settings",
      field: "registry",
      status: "pass",
      message: "weights, LTVs and intervals are valid",
    });
    navBaseWei = (await publicClient.readContract({
      address: addresses.vault,
      abi,
      functionName: "totalAssets",
    })) as bigint;
    invariants.push({
      rule: "solvency",
      field: "vault",
      status: "pass",
      message: `NAV reads ${formatTokenAmount(navBaseWei, base)}`,
    });
  } catch (error) {
    invariants.push({
      rule: "settings",
      field: "registry",
      status: "fail",
      message: (error as Error).message.split("\n")[0]!,
    });
  }
  // Smoke tests (each reverted after it) and the invariants of sdk/proposal/afterExecution.ts.
  invariants.push(...(await afterExecution(context, vaultBefore, after)));

  const keeper = await keeperCycle(addresses, async (step, target) => {
    const outcome = await keep(context, step, target, mineNext);
    return { executed: outcome.status === "executed", outcome };
  });
  const authority = calls.flatMap((c) => c.events).filter((e) => authorityEvents.has(e.name));
  const tokens = await readTokens(publicClient, [
    ...keeper.flatMap((k) => k.trades.flatMap((t) => [t.tokenIn, t.tokenOut])),
    ...traces.flatMap((t) => t.state.tokens.map((m) => m.token)),
  ]);
  return {
    blockNumber: latest.number,
    calls,
    parameters,
    authority,
    invariants,
    keeper,
    base,
    ...(navBaseWei === undefined ? {} : { navBaseWei }),
    tokens,
    traces,
  };

  async function send(ctx: DryRunContext, from: Address, to: Address, data: Hex, value: bigint): Promise<CallResult> {
    const { walletClient } = ctx;
    // Simulate first: a revert's data is only available from a call.
    try {
      await publicClient.call({ account: from, to, data, value });
    } catch (error) {
      return { target: to, status: "reverted", gasUsed: 0n, error: revertOf(ctx.abi, error), events: [] };
    }
    await mineNext();
    const hash = await walletClient.sendTransaction({ account: from, to, data, value, chain: null, gas: 15_000_000n });
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    const { timelock, vault, collateralManager, hedgeModule } = addresses;
    const contracts = {
      ...ctx.contracts,
      TimelockController: timelock,
      PortfolioVault: vault,
      ...(collateralManager ? { CollateralManager: collateralManager } : {}),
      ...(hedgeModule ? { HedgeModule: hedgeModule } : {}),
    };
    // The registry's parameters, by name, name their slots in its storage diff.
    const mappingKeys = {
      ParameterRegistry: Object.keys(before.parameters).map((label) => ({ label, key: parameterKey(label) })),
    };
    traces.push(
      await traceTransaction(publicClient, { hash, call: calls.length, contracts, abi: ctx.abi, mappingKeys }),
    );
    return {
      target: to,
      status: receipt.status,
      gasUsed: receipt.gasUsed,
      events: receipt.logs.map((log) => decode(ctx.abi, log)),
    };
  }
}

/** Takes one step of the keeper cycle on `target`, or records why it is not due. */
async function keep(
  context: DryRunContext,
  action: KeeperStep,
  target: Address,
  mineNext: () => Promise<void>,
): Promise<KeeperAction> {
  const { publicClient, walletClient, abi, keeper } = context;
  const data = encodeFunctionData({ abi, functionName: keeperFunction[action], args: [] });
  try {
    await publicClient.call({ account: keeper, to: target, data });
  } catch (error) {
    const reason = revertOf(abi, error);
    // Nothing due, or nothing fillable now (a rebalance whose pools sit at the slippage bound): the cycle idles.
    const idle = /NotDue|NothingDue|TooSoon|Paused|NoFill/.test(reason);
    return { action, status: idle ? "not due" : "reverted", gasUsed: 0n, detail: reason, trades: [] };
  }
  await mineNext();
  const hash = await walletClient.sendTransaction({ account: keeper, to: target, data, chain: null, gas: 15_000_000n });
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  const events = receipt.logs.map((log) => decode(abi, log));
  const trades = events
    .filter((e) => e.name === "TradeExecuted")
    .map((e) => {
      const a = e.args as {
        tokenIn: Address;
        tokenOut: Address;
        amountIn: bigint;
        amountOut: bigint;
        oraclePriceWad: bigint;
        executionPriceWad: bigint;
      };
      const sellsRisk = a.tokenOut.toLowerCase() === context.addresses.base.toLowerCase();
      const gap = Number(a.oraclePriceWad - a.executionPriceWad) / Number(a.oraclePriceWad);
      return {
        tokenIn: a.tokenIn,
        tokenOut: a.tokenOut,
        amountIn: a.amountIn,
        amountOut: a.amountOut,
        // Selling the risk asset below the oracle, or buying it above, costs: positive bps.
        slippageBps: Math.round((sellsRisk ? gap : -gap) * 10_000 * 100) / 100,
      };
    });
  const managed = events.find(
    (e) => e.name === "CollateralManaged" || e.name === "HedgeManaged" || e.name === "Rebalanced",
  );
  return {
    action,
    status: receipt.status === "success" ? "executed" : "reverted",
    gasUsed: receipt.gasUsed,
    detail: managed
      ? `${managed.name} ${JSON.stringify(managed.args, (_, v) => (typeof v === "bigint" ? v.toString() : v))}`
      : "",
    trades,
  };
}

/** The symbol and decimals of each token, read from its contract. */
async function readTokens(client: PublicClient, addresses: readonly Address[]): Promise<Record<Address, TokenUnits>> {
  const unique = [...new Set(addresses)];
  const units = await Promise.all(
    unique.map(async (address) => {
      const [symbol, decimals] = await Promise.all([
        client.readContract({ address, abi: erc20Abi, functionName: "symbol" }),
        client.readContract({ address, abi: erc20Abi, functionName: "decimals" }),
      ]);
      return [address, { symbol, decimals }] as const;
    }),
  );
  return Object.fromEntries(units);
}

function decode(abi: Abi, log: { address: Address; data: Hex; topics: readonly Hex[] }): DecodedEvent {
  try {
    const event = decodeEventLog({ abi, data: log.data, topics: log.topics as [Hex, ...Hex[]] });
    return { address: log.address, name: String(event.eventName), args: (event.args ?? {}) as Record<string, unknown> };
  } catch {
    return { address: log.address, name: log.topics[0] ?? "anonymous", args: { data: log.data } };
  }
}

/** A revert as `ErrorName(args)` (and its meaning) when the ABIs know it, else the node's message. */
function revertOf(abi: Abi, error: unknown): string {
  const revert = decodeRevert(error, abi);
  if (revert) return formatRevert(revert);
  return error instanceof Error ? error.message.split("\n")[0]! : String(error);
}

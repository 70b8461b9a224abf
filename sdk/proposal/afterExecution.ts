/**
 * Does the product still work after a proposal's execution? On the dry run's fork, after the calls and before the
 * keeper cycle: smoke tests, each in its own EVM snapshot that is reverted after it (so that none affects another or
 * the keeper cycle), and the vault's invariants. The rules that judge them are afterExecutionRules.ts's.
 *
 * Smoke tests (PASS, or FAIL with the decoded revert):
 * - deposit: a fresh account, funded with the base asset, deposits a small amount (`smokeDepositUnits`);
 * - cash redemption: it deposits, then redeems half its shares for the base asset;
 * - in-kind redemption: it deposits, then redeems half its shares in kind;
 * - guardian tighten: the registry's guardian tightens one parameter by one unit (afterExecutionRules.ts picks it);
 *   WARN when there is no active guardian or nothing it may tighten now.
 * The account is funded by writing its balance into the token's storage: the balance slot is found by probing the
 * first mapping slots (Solidity's and Vyper's layouts), which works on a fork of any chain (a real USDC as well as
 * the devnet's tokens), with no holder to impersonate and no mint function needed.
 *
 * Invariants: NAV and share price across the calls, weights summing to 100%, each lending module's LTV below its
 * market's liquidation LTV, exits open (a holder's maxRedeem and maxWithdraw not zero) and no pause set.
 */
import {
  BaseError,
  encodeFunctionData,
  erc20Abi,
  keccak256,
  encodeAbiParameters,
  toHex,
  type Abi,
  type Address,
  type Hex,
  type PublicClient,
  type TestClient,
  type WalletClient,
} from "viem";
import { parameterRegistryAbi, portfolioVaultAbi } from "../abis/contracts.ts";
import { parameterKey } from "../../parameters/parameterKey.ts";
import { readStartPoint } from "../../sim/chain.ts";
import { decodeRevert, formatRevert } from "../revert.ts";
import {
  driftCheck,
  guardianTightening,
  ltvCheck,
  smokeTestRule,
  weightsSumCheck,
  type ModuleLtv,
} from "./afterExecutionRules.ts";
import type { Check, RegistrySnapshot } from "./checks/types.ts";
import { formatTokenAmount, formatValue, type TokenUnits } from "./units.ts";

/** The chain the checks run on (the dry run's fork, which `DryRunContext` describes) and the stack's addresses. */
export type AfterExecutionContext = {
  publicClient: PublicClient;
  testClient: TestClient;
  walletClient: WalletClient;
  /** Every ABI of the stack, to decode reverts. */
  abi: Abi;
  addresses: { vault: Address; base: Address };
};

/** The smoke tests' depositor: an address of no one's, impersonated and funded on the fork. */
export const smokeDepositor: Address = "0x00000000000000000000006465706f7369746f72";

/** What the smoke depositor deposits, in whole base-asset units. */
export const smokeDepositUnits = 100n;

/** The vault as the NAV invariant compares it, before and after the calls; why not when it cannot be read. */
export type VaultReading = { navBaseWei: bigint; sharePriceWad: bigint } | { error: string };

/** NAV and share price now, or the decoded revert of the read (a vault whose valuation reverts). Never throws. */
export async function readVault(
  context: Pick<AfterExecutionContext, "publicClient" | "addresses" | "abi">,
): Promise<VaultReading> {
  const vault = { address: context.addresses.vault, abi: portfolioVaultAbi } as const;
  try {
    const [navBaseWei, sharePriceWad] = await Promise.all([
      context.publicClient.readContract({ ...vault, functionName: "totalAssets" }),
      context.publicClient.readContract({ ...vault, functionName: "sharePriceWad" }),
    ]);
    return { navBaseWei, sharePriceWad };
  } catch (error) {
    return { error: revertText(context, error) };
  }
}

/**
 * The checks after execution: the invariants, then the smoke tests. `before` is `readVault` before the calls, `after`
 * the registry after them. The chain is left as it was (every smoke test is reverted). Never throws: a check whose
 * reads revert fails, saying so.
 */
export async function afterExecution(
  context: AfterExecutionContext,
  before: VaultReading,
  after: RegistrySnapshot,
): Promise<Check[]> {
  const base: TokenUnits = { symbol: after.baseSymbol, decimals: after.baseDecimals };
  const now = await readVault(context);
  const smoke = smokeRunner(context, base);
  const guard = (rule: string, field: string, run: () => Promise<Check>) =>
    run().catch((error: unknown): Check => ({
      rule,
      field,
      status: "fail",
      message: `reverts: ${revertText(context, error)}`,
    }));
  const checks = [
    ...driftChecks(before, now, base),
    weightsSumCheck(after),
    ...(await ltvChecks(context)),
    pauseCheck(after),
    await guard("exits open", "maxRedeem", smoke.exitsOpen),
    await guard("smoke test", "deposit", smoke.deposit),
    await guard("smoke test", "cash redemption", smoke.cashRedemption),
    await guard("smoke test", "in-kind redemption", smoke.inKindRedemption),
    await guard("smoke test", "guardian tighten", () => smoke.guardianTighten(after)),
  ];
  return checks;
}

/** NAV and share price across the calls; FAIL when either reading reverts. */
function driftChecks(before: VaultReading, now: VaultReading, base: TokenUnits): Check[] {
  const unreadable = (when: string, error: string): Check[] => [
    { rule: "NAV unchanged", field: "totalAssets", status: "fail", message: `NAV cannot be read ${when}: ${error}` },
  ];
  if ("error" in before) return unreadable("before the calls", before.error);
  if ("error" in now) return unreadable("after the calls", now.error);
  return [
    driftCheck("NAV unchanged", "totalAssets", before.navBaseWei, now.navBaseWei, (v) => formatTokenAmount(v, base)),
    driftCheck("share price unchanged", "sharePriceWad", before.sharePriceWad, now.sharePriceWad, (v) =>
      formatTokenAmount(v, { symbol: base.symbol, decimals: 18 }, 6),
    ),
  ];
}

async function ltvChecks(context: AfterExecutionContext): Promise<Check[]> {
  try {
    const { setup, state, pricesUsd } = await readStartPoint(context.publicClient, context.addresses.vault);
    const positions: ModuleLtv[] = [];
    if (setup.collateral && state.collateral) {
      // The collateral manager posts a risk asset and borrows the base asset.
      positions.push({
        module: "module.collateral",
        debtUsd: state.collateral.debt * pricesUsd[0]!,
        collateralUsd: state.collateral.collateral * pricesUsd[setup.collateral.assetIndex]!,
        liquidationLtv: setup.collateral.market.lltv,
      });
    }
    if (setup.hedge && state.hedge) {
      // The hedge posts the base asset and borrows (shorts) a risk asset.
      positions.push({
        module: "module.hedge",
        debtUsd: state.hedge.debt * pricesUsd[setup.hedge.assetIndex]!,
        collateralUsd: state.hedge.collateral * pricesUsd[0]!,
        liquidationLtv: setup.hedge.market.lltv,
      });
    }
    return positions.map(ltvCheck);
  } catch (error) {
    return [{ rule: "LTV below liquidation", field: "modules", status: "fail", message: firstLine(error) }];
  }
}

/** WARN while a pause is set after the calls (the proposal may mean it; exits stay open whatever it pauses). */
function pauseCheck(after: RegistrySnapshot): Check {
  const set = Object.values(after.parameters).filter((p) => p.name.startsWith("pause.") && p.value !== 0n);
  return {
    rule: "not paused",
    field: "pause.*",
    status: set.length ? "warn" : "pass",
    message: set.length ? `paused: ${set.map((p) => p.name).join(", ")}` : "no pause is set",
  };
}

/** The smoke tests on the chain of `context`, each in a snapshot reverted after it. */
function smokeRunner(context: AfterExecutionContext, base: TokenUnits) {
  const { publicClient, testClient, addresses } = context;
  const vault = addresses.vault;
  const amount = smokeDepositUnits * 10n ** BigInt(base.decimals);
  const shown = formatTokenAmount(amount, base);
  // The balance slots found by the first probe, by token and account: the later smoke tests write them directly.
  const balanceSlots = new Map<string, Hex>();

  async function isolated<T>(run: () => Promise<T>): Promise<T> {
    const id = await testClient.snapshot();
    try {
      return await run();
    } finally {
      await testClient.revert({ id });
    }
  }

  /** Sends `data` to `to` from `from` (impersonated, funded); the decoded revert when it reverts. */
  async function send(from: Address, to: Address, data: Hex): Promise<{ error?: string }> {
    try {
      await publicClient.call({ account: from, to, data });
    } catch (error) {
      return { error: revertText(context, error) };
    }
    const latest = await publicClient.getBlock();
    await testClient.setNextBlockTimestamp({ timestamp: latest.timestamp + 1n });
    const hash = await context.walletClient.sendTransaction({ account: from, to, data, chain: null, gas: 15_000_000n });
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    return receipt.status === "success" ? {} : { error: "reverted (no reason given)" };
  }

  /** Funds the depositor and deposits `amount`: the shares it got, or why it could not. */
  async function deposit(): Promise<{ shares: bigint } | { error: string; notRun?: true }> {
    await testClient.impersonateAccount({ address: smokeDepositor });
    await testClient.setBalance({ address: smokeDepositor, value: 10n ** 19n });
    const funded = await fundErc20(context, addresses.base, smokeDepositor, amount, balanceSlots);
    if (!funded)
      return { error: `could not fund the depositor: no balance slot of ${addresses.base} found`, notRun: true };
    const approve = encodeFunctionData({ abi: erc20Abi, functionName: "approve", args: [vault, amount] });
    const approved = await send(smokeDepositor, addresses.base, approve);
    if (approved.error) return { error: `the approval reverts: ${approved.error}`, notRun: true };
    const data = encodeFunctionData({
      abi: portfolioVaultAbi,
      functionName: "deposit",
      args: [amount, smokeDepositor],
    });
    const sent = await send(smokeDepositor, vault, data);
    if (sent.error) return { error: `reverts: ${sent.error}` };
    return { shares: await shareBalance(smokeDepositor) };
  }

  const shareBalance = (owner: Address) =>
    publicClient.readContract({ address: vault, abi: portfolioVaultAbi, functionName: "balanceOf", args: [owner] });

  const smoke = (field: string, status: Check["status"], message: string): Check => ({
    rule: smokeTestRule,
    field,
    status,
    message,
  });

  /**
   * A holder of shares for the exit tests: the depositor once it deposited; when the deposit fails (deposits paused,
   * a cap reached, a price the entry refuses), shares worth `amount` (1 bp of the supply when they cannot be valued) written into the vault's storage, as if minted
   * for nothing (balance and total supply, found by probing as `fundErc20` does), so that exits are tested whatever
   * the proposal did to entries. `how` says which.
   */
  async function holder(): Promise<{ shares: bigint; how: string } | { error: string }> {
    const deposited = await deposit();
    if (!("error" in deposited)) return { shares: deposited.shares, how: "deposited" };
    // Shares worth `amount`; 1 bp of the supply when the vault cannot value them (an in-kind exit needs no price).
    const shares = await publicClient
      .readContract({ address: vault, abi: portfolioVaultAbi, functionName: "convertToShares", args: [amount] })
      .catch(
        async () =>
          (await publicClient.readContract({ address: vault, abi: erc20Abi, functionName: "totalSupply" })) / 10_000n,
      );
    const written = await mintByStorage(context, vault, smokeDepositor, shares, balanceSlots);
    return written
      ? { shares, how: `written into storage (the deposit failed: ${deposited.error})` }
      : { error: `the deposit failed (${deposited.error}) and the vault's share storage was not found` };
  }

  /** A redemption of half the holder's shares, by `functionName`. */
  const redemption = (field: string, functionName: "redeem" | "redeemInKind") => () =>
    isolated(async () => {
      const held = await holder();
      if ("error" in held) return smoke(field, "warn", `not run: no holder: ${held.error}`);
      const shares = held.shares / 2n;
      const data = encodeFunctionData({
        abi: portfolioVaultAbi,
        functionName,
        args: [shares, smokeDepositor, smokeDepositor],
      });
      const sent = await send(smokeDepositor, vault, data);
      return sent.error
        ? smoke(field, "fail", `reverts: ${sent.error}`)
        : smoke(field, "pass", `${functionName} of ${shares} of the ${held.shares} shares (${held.how}) executes`);
    });

  return {
    deposit: () =>
      isolated(async () => {
        const deposited = await deposit();
        if ("error" in deposited) return smoke("deposit", deposited.notRun ? "warn" : "fail", deposited.error);
        return smoke("deposit", "pass", `${shown} deposited for ${deposited.shares} shares`);
      }),
    cashRedemption: redemption("cash redemption", "redeem"),
    inKindRedemption: redemption("in-kind redemption", "redeemInKind"),
    /** A holder (the smoke depositor, once it deposited) can redeem and withdraw in cash: not zero. */
    exitsOpen: () =>
      isolated(async (): Promise<Check> => {
        const held = await holder();
        const rule = "exits open";
        if ("error" in held)
          return {
            rule,
            field: "maxRedeem",
            status: "warn",
            message: `not run: no holder: ${held.error}`,
          };
        const read = (functionName: "maxRedeem" | "maxWithdraw") =>
          publicClient.readContract({ address: vault, abi: portfolioVaultAbi, functionName, args: [smokeDepositor] });
        const [maxRedeem, maxWithdraw] = await Promise.all([read("maxRedeem"), read("maxWithdraw")]);
        const open = maxRedeem > 0n && maxWithdraw > 0n;
        return {
          rule,
          field: "maxRedeem",
          status: open ? "pass" : "fail",
          message: `a holder of ${held.shares} shares (${held.how}): maxRedeem ${maxRedeem}, maxWithdraw ${formatTokenAmount(maxWithdraw, base)}`,
        };
      }),
    guardianTighten: (after: RegistrySnapshot) =>
      isolated(async (): Promise<Check> => {
        const field = "guardian tighten";
        const registry = await publicClient.readContract({
          address: vault,
          abi: portfolioVaultAbi,
          functionName: "registry",
        });
        const guardian = await publicClient.readContract({
          address: registry,
          abi: parameterRegistryAbi,
          functionName: "guardian",
        });
        const nowSeconds = Number((await publicClient.getBlock()).timestamp) + 1;
        if (BigInt(guardian) === 0n || nowSeconds > after.guardianExpiresAtSeconds)
          return smoke(field, "warn", `no active guardian (${guardian}, mandate to ${after.guardianExpiresAtSeconds})`);
        const tightening = guardianTightening(after, nowSeconds);
        if (!tightening) return smoke(field, "warn", "no parameter the guardian may tighten now");
        await testClient.impersonateAccount({ address: guardian });
        await testClient.setBalance({ address: guardian, value: 10n ** 19n });
        const data = encodeFunctionData({
          abi: parameterRegistryAbi,
          functionName: "tighten",
          args: [[{ key: parameterKey(tightening.name), value: tightening.to }]],
        });
        const sent = await send(guardian, registry, data);
        const kind = after.parameters[tightening.name]!.kind;
        const show = (value: bigint) => formatValue(tightening.name, kind, value, after);
        const what = `\`${tightening.name}\` ${show(tightening.from)} → ${show(tightening.to)}`;
        return sent.error ? smoke(field, "fail", `${what} reverts: ${sent.error}`) : smoke(field, "pass", what);
      }),
  };
}

/** How many storage slots `fundErc20` and `mintByStorage` probe. */
const storageSlotsProbed = 100;

/**
 * Gives `account` a balance of `amount` of `token` by writing the token's storage: the balances mapping's slot is
 * found by probing slots 0 to 99 in Solidity's layout (keccak(account . slot)) and Vyper's (keccak(slot . account)),
 * each write kept only when `balanceOf` then reads `amount`. False when no slot works (a token whose balances live
 * elsewhere, e.g. rebasing shares). `found` remembers the slot found, by token and account, for the next call.
 */
export async function fundErc20(
  context: Pick<AfterExecutionContext, "publicClient" | "testClient">,
  token: Address,
  account: Address,
  amount: bigint,
  found: Map<string, Hex> = new Map(),
): Promise<boolean> {
  const { publicClient, testClient } = context;
  const value = toHex(amount, { size: 32 });
  const write = async (index: Hex) => {
    await testClient.setStorageAt({ address: token, index, value });
    const balance = await publicClient.readContract({
      address: token,
      abi: erc20Abi,
      functionName: "balanceOf",
      args: [account],
    });
    return balance === amount;
  };
  const key = `${token}:${account}`.toLowerCase();
  const known = found.get(key);
  if (known !== undefined && (await write(known))) return true;
  for (let slot = 0n; slot < BigInt(storageSlotsProbed); slot++) {
    for (const layout of [
      [{ type: "address" }, { type: "uint256" }],
      [{ type: "uint256" }, { type: "address" }],
    ] as const) {
      const args = layout[0].type === "address" ? [account, slot] : [slot, account];
      const index = keccak256(encodeAbiParameters(layout, args as never));
      const previous = (await publicClient.getStorageAt({ address: token, slot: index })) ?? toHex(0n, { size: 32 });
      if (await write(index)) {
        found.set(key, index);
        return true;
      }
      await testClient.setStorageAt({ address: token, index, value: previous });
    }
  }
  return false;
}

/**
 * Mints `shares` of `vault` to `account` by writing its storage, as if minted for nothing: the balance as `fundErc20`
 * writes it, and the total supply in the first of slots 0 to 99 that holds it (kept only when `totalSupply` then
 * reads the new supply). False when either is not found.
 */
async function mintByStorage(
  context: Pick<AfterExecutionContext, "publicClient" | "testClient">,
  vault: Address,
  account: Address,
  shares: bigint,
  found: Map<string, Hex>,
): Promise<boolean> {
  const { publicClient, testClient } = context;
  const totalSupply = () => publicClient.readContract({ address: vault, abi: erc20Abi, functionName: "totalSupply" });
  const supply = await totalSupply();
  if (!(await fundErc20(context, vault, account, shares, found))) return false;
  for (let slot = 0n; slot < BigInt(storageSlotsProbed); slot++) {
    const index = toHex(slot, { size: 32 });
    const previous = await publicClient.getStorageAt({ address: vault, slot: index });
    if (previous === undefined || BigInt(previous) !== supply) continue;
    await testClient.setStorageAt({ address: vault, index, value: toHex(supply + shares, { size: 32 }) });
    if ((await totalSupply()) === supply + shares) return true;
    await testClient.setStorageAt({ address: vault, index, value: previous });
  }
  return false;
}

function revertText(context: Pick<AfterExecutionContext, "abi">, error: unknown): string {
  const revert = decodeRevert(error, context.abi);
  return revert ? formatRevert(revert) : firstLine(error);
}

/** An error without revert data as one line: viem's short message and its details (the node's reason). */
function firstLine(error: unknown): string {
  if (error instanceof BaseError) {
    const details = error.details && !error.shortMessage.includes(error.details) ? error.details : "";
    const text = `${error.shortMessage} ${details}`.replace(/\s+/g, " ").trim();
    return text.length > 240 ? `${text.slice(0, 239)}…` : text;
  }
  return error instanceof Error ? error.message.split("\n")[0]! : String(error);
}

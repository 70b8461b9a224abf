import path from "node:path";
import hre from "hardhat";
import { beforeAll, describe, expect, it } from "vitest";
import { formatUnits, getAddress, parseUnits, type Hex, type PublicClient } from "viem";
import { loadSubgraph, withDeployment, type Subgraph } from "../../indexer/manifest.ts";
import { processBlocks } from "../../indexer/processor.ts";
import { toString as decimalString } from "../../indexer/runtime/bigDecimal.ts";
import type { Entity, StoreValue } from "../../indexer/runtime/values.ts";
import { memoryStore, type MemoryStore } from "../../indexer/store/memory.ts";
import { parameterKey, parameterName } from "../../parameters/index.ts";
import { subgraphDir } from "../../scripts/codegen/subgraph.ts";
import { daySeconds, type Connection } from "../helpers/governance.ts";
import { deployVault, rebalanceUntilSettled, type VaultStack } from "../helpers/vault.ts";

/** An entity's fields as plain values: bigint, number, string (Bytes as lowercase hex, BigDecimal as text). */
function plain(entity: Entity | undefined): Record<string, unknown> | undefined {
  if (!entity) return undefined;
  const value = (v: StoreValue): unknown => {
    switch (v.kind) {
      case "Null":
        return null;
      case "BigDecimal":
        return decimalString(v.value);
      case "Array":
        return v.value.map(value);
      default:
        return v.value;
    }
  };
  return Object.fromEntries([...entity].map(([k, v]) => [k, value(v)]));
}

/** graph-ts `bytes.concatI32(n)`: the bytes, then `n` as 4 little-endian bytes. */
function concatI32(bytes: Hex, n: number): Hex {
  const le = [0, 1, 2, 3].map((i) => ((n >> (8 * i)) & 0xff).toString(16).padStart(2, "0")).join("");
  return `${bytes}${le}` as Hex;
}

/** An immutable entity's id for one log: the transaction hash and the log's index in its block. */
const eventId = concatI32;

const lower = (a: string) => a.toLowerCase();

describe("subgraph mappings: the real wasm on real transactions", () => {
  let connection: Connection;
  let v: VaultStack;
  let client: PublicClient;
  let subgraph: Subgraph;
  let store: MemoryStore;
  const byId = (type: string, id: string) => plain(store.get(type, lower(id)) ?? undefined);

  beforeAll(async () => {
    connection = await hre.network.create();
    v = await deployVault(connection);
    client = (await connection.viem.getPublicClient()) as unknown as PublicClient;
    const { alice, bob, guardian } = v.accounts;
    await v.vault.write.deposit([parseUnits("100000", 6), alice.account.address], { account: alice.account });
    await v.vault.write.deposit([parseUnits("50000", 6), bob.account.address], { account: bob.account });
    await rebalanceUntilSettled(connection, v);
    for (let i = 0; i < 4 && (await v.collateralManager.read.plan())[0] !== 0; i++) {
      await v.collateralManager.write.manage({ account: v.accounts.eve.account });
    }
    if ((await v.hedgeModule.read.plan())[0] !== 0) {
      await v.hedgeModule.write.manage({ account: v.accounts.eve.account });
    }
    await v.registry.write.tighten([[{ key: parameterKey("rebalance.maxSlippageBps"), value: 45n }]], {
      account: guardian.account,
    });
    await connection.networkHelpers.time.increase(daySeconds);
    await v.setPrices();
    const aliceShares = await v.vault.read.balanceOf([alice.account.address]);
    await v.vault.write.redeem([aliceShares / 4n, alice.account.address, alice.account.address], {
      account: alice.account,
    });
    const bobShares = await v.vault.read.balanceOf([bob.account.address]);
    await v.vault.write.redeemInKind([bobShares / 2n, bob.account.address, bob.account.address], {
      account: bob.account,
    });
    await v.vault.write.accrueFees();

    subgraph = withDeployment(await loadSubgraph(path.join(subgraphDir, "build", "default")), v.record);
    store = memoryStore(subgraph.schema);
    await processBlocks({ client, subgraph, store, from: 0n, to: await client.getBlockNumber() });
  });

  const events = async <T>(read: (range: { fromBlock: bigint }) => Promise<T>) => read({ fromBlock: 0n });

  describe("vault", () => {
    it("the vault's supply, NAV, share price, high-water mark and flows match the chain", async () => {
      const navUpdates = await events((r) => v.vault.getEvents.NavUpdated(r));
      const last = navUpdates.at(-1)!.args;
      const deposits = await events((r) => v.vault.getEvents.Deposit({}, r));
      const withdraws = await events((r) => v.vault.getEvents.Withdraw({}, r));
      const rebalances = await events((r) => v.vault.getEvents.Rebalanced({}, r));
      const fees = await events((r) => v.vault.getEvents.FeesAccrued(r));
      const vault = byId("Vault", v.vault.address)!;
      expect(vault).toMatchObject({
        id: lower(v.vault.address),
        name: await v.vault.read.name(),
        symbol: await v.vault.read.symbol(),
        decimals: await v.vault.read.decimals(),
        inputToken: lower(v.usdc.address),
        outputTokenSupply: await v.vault.read.totalSupply(),
        totalAssets: last.totalAssets,
        sharePriceWad: last.sharePriceWad,
        pricePerShare: formatUnits(last.sharePriceWad!, 18),
        highWaterMarkWad: await v.vault.read.highWaterMarkWad(),
        cumulativeDeposits: deposits.reduce((sum, e) => sum + e.args.assets!, 0n),
        cumulativeWithdrawals: withdraws.reduce((sum, e) => sum + e.args.assets!, 0n),
        cumulativeManagementFees: fees.reduce((sum, e) => sum + e.args.managementAssets!, 0n),
        rebalanceCount: rebalances.length,
        lastRebalanceTimestamp: (await client.getBlock({ blockNumber: rebalances.at(-1)!.blockNumber })).timestamp,
      });
      const peak = navUpdates.reduce((max, e) => (e.args.sharePriceWad! > max ? e.args.sharePriceWad! : max), 0n);
      expect(vault.peakPricePerShare).toBe(formatUnits(peak, 18));
      expect(store.all("NavUpdate")).toHaveLength(navUpdates.length);
    });

    it("each deposit and withdrawal is an entity with the event's fields", async () => {
      for (const e of await events((r) => v.vault.getEvents.Deposit({}, r))) {
        const block = await client.getBlock({ blockNumber: e.blockNumber });
        expect(byId("Deposit", eventId(e.transactionHash, e.logIndex))).toEqual({
          id: eventId(e.transactionHash, e.logIndex),
          vault: lower(v.vault.address),
          sender: lower(e.args.sender!),
          owner: lower(e.args.owner!),
          assets: e.args.assets,
          shares: e.args.shares,
          blockNumber: e.blockNumber,
          timestamp: block.timestamp,
          transactionHash: e.transactionHash,
        });
      }
      const withdraws = await events((r) => v.vault.getEvents.Withdraw({}, r));
      expect(withdraws).toHaveLength(1);
      for (const e of withdraws) {
        expect(byId("Withdraw", eventId(e.transactionHash, e.logIndex))).toMatchObject({
          receiver: lower(e.args.receiver!),
          owner: lower(e.args.owner!),
          assets: e.args.assets,
          shares: e.args.shares,
        });
      }
      const [inKind] = await events((r) => v.vault.getEvents.RedeemedInKind({}, r));
      expect(byId("InKindRedemption", eventId(inKind!.transactionHash, inKind!.logIndex))).toMatchObject({
        owner: lower(inKind!.args.owner!),
        shares: inKind!.args.shares,
        tokens: inKind!.args.tokens!.map(lower),
        amounts: [...inKind!.args.amounts!],
      });
    });

    it("each trade has its oracle and execution prices, its slippage, and its rebalance (none for an unwind)", async () => {
      const trades = await events((r) => v.vault.getEvents.TradeExecuted({}, r));
      const rebalanceTxs = new Set(
        (await events((r) => v.vault.getEvents.Rebalanced({}, r))).map((e) => e.transactionHash),
      );
      expect(trades.length).toBeGreaterThan(rebalanceTxs.size);
      for (const e of trades) {
        const trade = byId("Trade", eventId(e.transactionHash, e.logIndex))!;
        const isSell = lower(e.args.tokenOut!) === lower(v.usdc.address);
        expect(trade).toMatchObject({
          tokenIn: lower(e.args.tokenIn!),
          tokenOut: lower(e.args.tokenOut!),
          amountIn: e.args.amountIn,
          amountOut: e.args.amountOut,
          oraclePriceWad: e.args.oraclePriceWad,
          executionPriceWad: e.args.executionPriceWad,
          isSell,
          rebalance: e.transactionHash,
        });
        const oracle = Number(e.args.oraclePriceWad);
        const execution = Number(e.args.executionPriceWad);
        const expected = ((isSell ? oracle - execution : execution - oracle) / oracle) * 10_000;
        expect(Number(trade.slippageBps)).toBeCloseTo(expected, 6);
        // A rebalance's trades resolve to it; a withdrawal's unwind has no Rebalance entity.
        expect(store.get("Rebalance", e.transactionHash) !== null).toBe(rebalanceTxs.has(e.transactionHash));
      }
      for (const e of await events((r) => v.vault.getEvents.Rebalanced({}, r))) {
        expect(byId("Rebalance", e.transactionHash)).toMatchObject({
          keeper: lower(e.args.keeper!),
          tradeCount: Number(e.args.trades),
          navBefore: e.args.navBefore,
          navAfter: e.args.navAfter,
          navChange: e.args.navAfter! - e.args.navBefore!,
        });
      }
    });

    it("holdings carry the registry's targets and weights that sum to the vault's gross value", async () => {
      const holdings = store.all("Holding").map(plain);
      expect(holdings.map((h) => [h!.token, h!.targetBps]).sort()).toEqual(
        [
          [lower(v.usdc.address), 4_000],
          [lower(v.weth.address), 4_000],
          [lower(v.wbtc.address), 2_000],
        ].sort(),
      );
      for (const h of holdings) expect(h!.driftBps).toBe((h!.weightBps as number) - (h!.targetBps as number));
    });

    it("daily snapshots close at the vault's price and return from the previous close", () => {
      const days = store
        .all("VaultDailySnapshot")
        .map(plain)
        .sort((a, b) => Number((a!.periodStart as bigint) - (b!.periodStart as bigint)));
      expect(days.length).toBeGreaterThan(1);
      const vault = byId("Vault", v.vault.address)!;
      expect(days.at(-1)!.pricePerShare).toBe(vault.pricePerShare);
      for (let i = 1; i < days.length; i++) {
        expect(days[i]!.openPricePerShare).toBe(days[i - 1]!.pricePerShare);
        const ret = Number(days[i]!.pricePerShare) / Number(days[i]!.openPricePerShare) - 1;
        expect(Number(days[i]!.periodReturn)).toBeCloseTo(ret, 12);
        expect((days[i]!.periodStart as bigint) % BigInt(daySeconds)).toBe(0n);
      }
    });

    it("the modules' positions are those after their last actions", async () => {
      const managed = await events((r) => v.collateralManager.getEvents.CollateralManaged({}, r));
      const released = await events((r) => v.collateralManager.getEvents.CollateralReleased({}, r));
      expect(store.all("CollateralAction")).toHaveLength(managed.length + released.length);
      const collateralAt = { blockNumber: [...managed, ...released].at(-1)!.blockNumber };
      const [, collateral, debt] = await v.collateralManager.read.position(collateralAt);
      expect(byId("CollateralPosition", v.collateralManager.address)).toMatchObject({
        vault: lower(v.vault.address),
        collateral,
        debt,
        ltvBps: Number(await v.collateralManager.read.ltvBps(collateralAt)),
      });
      const hedged = await events((r) => v.hedgeModule.getEvents.HedgeManaged({}, r));
      const hedgeReleased = await events((r) => v.hedgeModule.getEvents.HedgeReleased({}, r));
      expect(hedgeReleased.length).toBeGreaterThan(0);
      const hedgeAt = { blockNumber: [...hedged, ...hedgeReleased].at(-1)!.blockNumber };
      const [exposure, short, net, ratioBps] = await v.hedgeModule.read.netDelta(hedgeAt);
      expect(byId("HedgePosition", v.hedgeModule.address)).toMatchObject({
        exposure,
        short,
        netDelta: net,
        hedgeRatioBps: Number(ratioBps),
      });
    });
  });

  describe("governance", () => {
    it("the proposal has its calls, tallies, quorum at the snapshot, ETA and state history", async () => {
      const [created] = await events((r) => v.governor.getEvents.ProposalCreated(r));
      const id = created!.args.proposalId!;
      const [against, forVotes, abstain] = await v.governor.read.proposalVotes([id]);
      const votes = await events((r) => v.governor.getEvents.VoteCast({}, r));
      const proposal = byId("Proposal", id.toString())!;
      expect(proposal).toMatchObject({
        proposalId: id,
        proposer: lower(created!.args.proposer!),
        description: created!.args.description,
        voteStart: created!.args.voteStart,
        voteEnd: created!.args.voteEnd,
        state: "Executed",
        forVotes,
        againstVotes: against,
        abstainVotes: abstain,
        voteCount: votes.length,
        quorum: await v.governor.read.quorum([created!.args.voteStart!]),
        eta: await v.governor.read.proposalEta([id]),
      });
      created!.args.targets!.forEach((target, i) => {
        expect(byId("ProposalCall", `${id}-${i}`)).toMatchObject({
          target: lower(target),
          calldata: created!.args.calldatas![i],
          value: created!.args.values![i],
        });
      });
      const states = store
        .all("ProposalStateChange")
        .map(plain)
        .filter((s) => s!.proposal === id.toString())
        .sort((a, b) => (a!.sequence as number) - (b!.sequence as number))
        .map((s) => s!.state);
      expect(states).toEqual(["Pending", "Active", "Succeeded", "Queued", "Executed"]);
      for (const vote of votes) {
        expect(byId("Vote", `${id}-${lower(vote.args.voter!)}`)).toMatchObject({
          voter: lower(vote.args.voter!),
          support: vote.args.support,
          weight: vote.args.weight,
          reason: vote.args.reason,
        });
      }
    });

    it("the proposal guardian's expiry, set at deployment, is a governor setting change", async () => {
      const sets = await events((r) => v.governor.getEvents.ProposalGuardianExpirySet(r));
      expect(sets).toHaveLength(1);
      for (const e of sets) {
        expect(byId("GovernorSettingChange", eventId(e.transactionHash, e.logIndex))).toMatchObject({
          setting: "proposalGuardianExpiresAt",
          oldValue: "0",
          newValue: String(await v.governor.read.proposalGuardianExpiresAt()),
        });
      }
    });

    it("delegates hold the token's balances, voting power and delegation", async () => {
      for (const delegate of store.all("Delegate").map(plain)) {
        const account = getAddress(delegate!.id as string);
        expect(delegate!.balance).toBe(await v.token.read.balanceOf([account]));
        expect(delegate!.votingPower).toBe(await v.token.read.getVotes([account]));
        const to = await v.token.read.delegates([account]);
        expect(delegate!.delegatingTo ?? null).toBe(BigInt(to) === 0n ? null : lower(to));
      }
    });

    it("every parameter holds the registry's value and rules, under its name", async () => {
      const keys = await v.registry.read.parameterKeys();
      expect(store.all("Parameter")).toHaveLength(keys.length);
      for (const key of keys) {
        const info = await v.registry.read.parameter([key]);
        expect(byId("Parameter", key)).toMatchObject({
          name: parameterName(key),
          value: info.value,
          min: info.rules.min,
          max: info.rules.max,
          maxStep: info.rules.maxStep,
          minIntervalSeconds: BigInt(info.rules.minIntervalSeconds),
        });
      }
    });

    it("the parameter log names the proposal that made a change, or the guardian", async () => {
      const [created] = await events((r) => v.governor.getEvents.ProposalCreated(r));
      const sets = await events((r) => v.registry.getEvents.ParameterSet({}, r));
      expect(sets.length).toBeGreaterThan(1);
      for (const e of sets) {
        const byGuardian = lower(e.args.caller!) === lower(v.accounts.guardian.account.address);
        const change = byId("ParameterChange", eventId(e.transactionHash, e.logIndex))!;
        expect(change).toMatchObject({
          parameter: lower(e.args.key!),
          oldValue: e.args.oldValue,
          newValue: e.args.newValue,
          caller: lower(e.args.caller!),
          byGuardian,
        });
        expect(change.proposal ?? null).toBe(byGuardian ? null : created!.args.proposalId!.toString());
      }
      const tighten = store
        .all("GuardianAction")
        .map(plain)
        .filter((a) => a!.action === "Tighten");
      expect(tighten).toEqual([
        expect.objectContaining({ parameter: "rebalance.maxSlippageBps", oldValue: 50n, newValue: 45n }),
      ]);
    });

    it("an Address parameter's values are addresses too (the numbers kept), other kinds have none", async () => {
      const addressKind = 4; // ParameterKind.Address
      const asAddress = (value: bigint) => `0x${value.toString(16).padStart(40, "0")}`;
      const sets = await events((r) => v.registry.getEvents.ParameterSet({}, r));
      let addressChanges = 0;
      for (const e of sets) {
        const { kind } = await v.registry.read.parameter([e.args.key!]);
        const change = byId("ParameterChange", eventId(e.transactionHash, e.logIndex))!;
        expect(change).toMatchObject({ oldValue: e.args.oldValue, newValue: e.args.newValue });
        if (kind === addressKind) {
          addressChanges++;
          expect(change.oldValueAddress).toBe(asAddress(e.args.oldValue!));
          expect(change.newValueAddress).toBe(asAddress(e.args.newValue!));
        } else {
          expect(change.oldValueAddress ?? null).toBeNull();
          expect(change.newValueAddress ?? null).toBeNull();
        }
      }
      // The modules are plugged in by a proposal: module.collateral and module.hedge move from zero.
      expect(addressChanges).toBeGreaterThanOrEqual(2);
      for (const key of await v.registry.read.parameterKeys()) {
        const { kind } = await v.registry.read.parameter([key]);
        const parameter = byId("Parameter", key)!;
        if (kind === addressKind) expect(parameter.valueAddress).toBe(lower(await v.registry.read.getAddress([key])));
        else expect(parameter.valueAddress ?? null).toBeNull();
      }
    });

    it("the timelock's operation was scheduled and executed, each call marked", async () => {
      const scheduled = await events((r) => v.timelock.getEvents.CallScheduled({}, r));
      expect(scheduled.length).toBeGreaterThan(0);
      for (const e of scheduled) {
        expect(byId("TimelockOperation", e.args.id!)).toMatchObject({ status: "Executed", delay: e.args.delay });
        expect(byId("TimelockCall", concatI32(e.args.id!, Number(e.args.index)))).toMatchObject({
          target: lower(e.args.target!),
          data: e.args.data,
          executed: true,
        });
      }
    });
  });
});

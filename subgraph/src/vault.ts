import { Address, BigDecimal, BigInt, Bytes, Entity, ethereum, store } from "@graphprotocol/graph-ts";
import {
  Deposit as DepositEvent,
  FeesAccrued,
  NavUpdated,
  PortfolioVault,
  Rebalanced,
  RedeemedInKind,
  TradeExecuted,
  Withdraw as WithdrawEvent,
} from "../generated/PortfolioVault/PortfolioVault";
import { ERC20 } from "../generated/PortfolioVault/ERC20";
import {
  Deposit,
  FeeAccrual,
  Holding,
  InKindRedemption,
  NavUpdate,
  Rebalance,
  Token,
  Trade,
  Vault,
  Withdraw,
} from "../generated/schema";
import { BPS, DAY_SECONDS, eventId, fromWad, HOUR_SECONDS, ratio } from "./helpers";

export function loadToken(address: Address): Token {
  let token = Token.load(address);
  if (token != null) return token;
  const erc20 = ERC20.bind(address);
  const symbol = erc20.try_symbol();
  const decimals = erc20.try_decimals();
  token = new Token(address);
  token.symbol = symbol.reverted ? "" : symbol.value;
  token.decimals = decimals.reverted ? 0 : decimals.value;
  token.save();
  return token;
}

/** The vault's entity, created at its first event with its ERC-20 metadata read from the chain. */
export function loadVault(address: Address, event: ethereum.Event): Vault {
  let vault = Vault.load(address);
  if (vault != null) return vault;
  const contract = PortfolioVault.bind(address);
  vault = new Vault(address);
  vault.name = contract.name();
  vault.symbol = contract.symbol();
  vault.decimals = contract.decimals();
  vault.inputToken = loadToken(contract.asset()).id;
  vault.outputTokenSupply = BigInt.zero();
  vault.totalAssets = BigInt.zero();
  vault.sharePriceWad = BigInt.zero();
  vault.pricePerShare = BigDecimal.zero();
  vault.peakPricePerShare = BigDecimal.zero();
  vault.drawdown = BigDecimal.zero();
  vault.highWaterMarkWad = contract.highWaterMarkWad();
  vault.cumulativeDeposits = BigInt.zero();
  vault.cumulativeWithdrawals = BigInt.zero();
  vault.cumulativeManagementFees = BigInt.zero();
  vault.cumulativePerformanceFees = BigInt.zero();
  vault.rebalanceCount = 0;
  vault.holdingsUpdatedTimestamp = BigInt.zero();
  vault.createdBlockNumber = event.block.number;
  vault.createdTimestamp = event.block.timestamp;
  vault.save();
  return vault;
}

/** The snapshot entity types, with their periods in seconds. */
const SNAPSHOT_TYPES = ["VaultHourlySnapshot", "VaultDailySnapshot"];
const SNAPSHOT_PERIODS: i64[] = [HOUR_SECONDS, DAY_SECONDS];
/** The fields of a snapshot that sum the period's flows, in base-asset wei. */
const FLOWS = ["deposits", "withdrawals", "managementFees", "performanceFees"];

/**
 * The vault's hourly (k = 0) or daily (k = 1) snapshot holding this event, created at the period's first event.
 * Both types share their fields, so one generic entity serves both (saved with {saveSnapshot}).
 */
function snapshot(vault: Vault, event: ethereum.Event, k: i32): Entity {
  const period = SNAPSHOT_PERIODS[k];
  const index = event.block.timestamp.toI64() / period;
  const id = vault.id.concatI32(i32(index));
  const existing = store.get(SNAPSHOT_TYPES[k], id.toHexString());
  if (existing != null) return existing;
  const created = new Entity();
  created.setBytes("id", id);
  created.setBytes("vault", vault.id);
  created.setBigInt("periodStart", BigInt.fromI64(index * period));
  // The open is the close of the last period with activity: the vault's price before this event moves it.
  created.setBigDecimal("openPricePerShare", vault.pricePerShare);
  for (let i = 0; i < FLOWS.length; i++) created.setBigInt(FLOWS[i], BigInt.zero());
  created.setI32("rebalanceCount", 0);
  fill(created, vault, event);
  return created;
}

function saveSnapshot(entity: Entity, k: i32): void {
  store.set(SNAPSHOT_TYPES[k], entity.getBytes("id").toHexString(), entity);
}

function periodReturn(open: BigDecimal, close: BigDecimal): BigDecimal {
  if (open.equals(BigDecimal.zero())) return BigDecimal.zero();
  return close.div(open).minus(BigDecimal.fromString("1"));
}

/** Copies the vault's state into a snapshot. */
function fill(snapshot: Entity, vault: Vault, event: ethereum.Event): void {
  snapshot.setBigInt("totalAssets", vault.totalAssets);
  snapshot.setBigInt("outputTokenSupply", vault.outputTokenSupply);
  snapshot.setBigDecimal("pricePerShare", vault.pricePerShare);
  snapshot.setBigDecimal(
    "periodReturn",
    periodReturn(snapshot.getBigDecimal("openPricePerShare"), vault.pricePerShare),
  );
  snapshot.setBigDecimal("drawdown", vault.drawdown);
  snapshot.setBigInt("blockNumber", event.block.number);
  snapshot.setBigInt("timestamp", event.block.timestamp);
}

/** Adds `amount` to the flow `field` of the vault's hourly and daily snapshots. */
function addFlow(vault: Vault, event: ethereum.Event, field: string, amount: BigInt): void {
  for (let k = 0; k < SNAPSHOT_TYPES.length; k++) {
    const entity = snapshot(vault, event, k);
    entity.setBigInt(field, entity.getBigInt(field).plus(amount));
    saveSnapshot(entity, k);
  }
}

/** Reads every holding with its weight and target from the vault (an eth_call at this block). */
function refreshHoldings(vault: Vault, event: ethereum.Event): void {
  const result = PortfolioVault.bind(Address.fromBytes(vault.id)).try_holdings();
  if (result.reverted) return; // a stale feed: holdings keep their last values
  const list = result.value;
  for (let i = 0; i < list.length; i++) {
    const h = list[i];
    const id = vault.id.concat(h.token);
    let holding = Holding.load(id);
    if (holding == null) {
      holding = new Holding(id);
      holding.vault = vault.id;
      holding.token = loadToken(h.token).id;
    }
    holding.balance = h.balance;
    holding.valueInBase = h.valueInBase;
    holding.weightBps = h.weightBps.toI32();
    holding.targetBps = h.targetBps.toI32();
    holding.driftBps = holding.weightBps - holding.targetBps;
    holding.updatedBlockNumber = event.block.number;
    holding.updatedTimestamp = event.block.timestamp;
    holding.save();
  }
  vault.holdingsUpdatedTimestamp = event.block.timestamp;
  vault.save();
}

export function handleNavUpdated(event: NavUpdated): void {
  const vault = loadVault(event.address, event);
  // Open prices are the close of the last period: take the snapshots before the vault moves.
  const hourly = snapshot(vault, event, 0);
  const daily = snapshot(vault, event, 1);
  vault.totalAssets = event.params.totalAssets;
  vault.outputTokenSupply = event.params.totalSupply;
  vault.sharePriceWad = event.params.sharePriceWad;
  vault.pricePerShare = fromWad(event.params.sharePriceWad);
  if (vault.pricePerShare.gt(vault.peakPricePerShare)) vault.peakPricePerShare = vault.pricePerShare;
  vault.drawdown = BigDecimal.fromString("1").minus(ratio(vault.pricePerShare, vault.peakPricePerShare));
  vault.save();

  const update = new NavUpdate(eventId(event));
  update.vault = vault.id;
  update.totalAssets = event.params.totalAssets;
  update.outputTokenSupply = event.params.totalSupply;
  update.sharePriceWad = event.params.sharePriceWad;
  update.pricePerShare = vault.pricePerShare;
  update.blockNumber = event.block.number;
  update.timestamp = event.block.timestamp;
  update.transactionHash = event.transaction.hash;
  update.save();

  fill(hourly, vault, event);
  saveSnapshot(hourly, 0);
  fill(daily, vault, event);
  saveSnapshot(daily, 1);
  // Holdings move with prices: read them again at the first update of each hour (and at every rebalance).
  const hour = event.block.timestamp.toI64() / HOUR_SECONDS;
  if (vault.holdingsUpdatedTimestamp.toI64() / HOUR_SECONDS < hour || vault.holdingsUpdatedTimestamp.isZero()) {
    refreshHoldings(vault, event);
  }
}

export function handleDeposit(event: DepositEvent): void {
  const vault = loadVault(event.address, event);
  const deposit = new Deposit(eventId(event));
  deposit.vault = vault.id;
  deposit.sender = event.params.sender;
  deposit.owner = event.params.owner;
  deposit.assets = event.params.assets;
  deposit.shares = event.params.shares;
  deposit.blockNumber = event.block.number;
  deposit.timestamp = event.block.timestamp;
  deposit.transactionHash = event.transaction.hash;
  deposit.save();

  vault.cumulativeDeposits = vault.cumulativeDeposits.plus(event.params.assets);
  vault.save();
  addFlow(vault, event, "deposits", event.params.assets);
}

export function handleWithdraw(event: WithdrawEvent): void {
  const vault = loadVault(event.address, event);
  const withdraw = new Withdraw(eventId(event));
  withdraw.vault = vault.id;
  withdraw.sender = event.params.sender;
  withdraw.receiver = event.params.receiver;
  withdraw.owner = event.params.owner;
  withdraw.assets = event.params.assets;
  withdraw.shares = event.params.shares;
  withdraw.blockNumber = event.block.number;
  withdraw.timestamp = event.block.timestamp;
  withdraw.transactionHash = event.transaction.hash;
  withdraw.save();

  vault.cumulativeWithdrawals = vault.cumulativeWithdrawals.plus(event.params.assets);
  vault.save();
  addFlow(vault, event, "withdrawals", event.params.assets);
}

export function handleRedeemedInKind(event: RedeemedInKind): void {
  const vault = loadVault(event.address, event);
  const redemption = new InKindRedemption(eventId(event));
  redemption.vault = vault.id;
  redemption.caller = event.params.caller;
  redemption.receiver = event.params.receiver;
  redemption.owner = event.params.owner;
  redemption.shares = event.params.shares;
  const tokens = new Array<Bytes>();
  for (let i = 0; i < event.params.tokens.length; i++) tokens.push(event.params.tokens[i]);
  redemption.tokens = tokens;
  redemption.amounts = event.params.amounts;
  redemption.blockNumber = event.block.number;
  redemption.timestamp = event.block.timestamp;
  redemption.transactionHash = event.transaction.hash;
  redemption.save();
  // In-kind redemptions need no price, so the vault emits no NavUpdated: the supply is read here.
  vault.outputTokenSupply = PortfolioVault.bind(event.address).totalSupply();
  vault.save();
}

export function handleFeesAccrued(event: FeesAccrued): void {
  const vault = loadVault(event.address, event);
  const accrual = new FeeAccrual(eventId(event));
  accrual.vault = vault.id;
  accrual.managementShares = event.params.managementShares;
  accrual.performanceShares = event.params.performanceShares;
  accrual.managementAssets = event.params.managementAssets;
  accrual.performanceAssets = event.params.performanceAssets;
  accrual.highWaterMarkWad = event.params.highWaterMarkWad;
  accrual.blockNumber = event.block.number;
  accrual.timestamp = event.block.timestamp;
  accrual.transactionHash = event.transaction.hash;
  accrual.save();

  vault.highWaterMarkWad = event.params.highWaterMarkWad;
  vault.cumulativeManagementFees = vault.cumulativeManagementFees.plus(event.params.managementAssets);
  vault.cumulativePerformanceFees = vault.cumulativePerformanceFees.plus(event.params.performanceAssets);
  vault.save();
  addFlow(vault, event, "managementFees", event.params.managementAssets);
  addFlow(vault, event, "performanceFees", event.params.performanceAssets);
}

export function handleTradeExecuted(event: TradeExecuted): void {
  const vault = loadVault(event.address, event);
  const trade = new Trade(eventId(event));
  trade.vault = vault.id;
  // A rebalance's trades come before its Rebalanced event, in the same transaction: they point at the
  // transaction's Rebalance, which a withdrawal's unwind does not have (the reference then resolves to null).
  trade.rebalance = event.transaction.hash;
  trade.tokenIn = loadToken(event.params.tokenIn).id;
  trade.tokenOut = loadToken(event.params.tokenOut).id;
  trade.amountIn = event.params.amountIn;
  trade.amountOut = event.params.amountOut;
  trade.oraclePriceWad = event.params.oraclePriceWad;
  trade.executionPriceWad = event.params.executionPriceWad;
  trade.isSell = event.params.tokenOut.equals(vault.inputToken);
  // Selling a risk asset, a lower price is worse; buying one, a higher price is.
  const oracle = event.params.oraclePriceWad.toBigDecimal();
  const gap = trade.isSell
    ? event.params.oraclePriceWad.minus(event.params.executionPriceWad)
    : event.params.executionPriceWad.minus(event.params.oraclePriceWad);
  trade.slippageBps = ratio(gap.times(BPS).toBigDecimal(), oracle);
  trade.blockNumber = event.block.number;
  trade.timestamp = event.block.timestamp;
  trade.transactionHash = event.transaction.hash;
  trade.save();
}

export function handleRebalanced(event: Rebalanced): void {
  const vault = loadVault(event.address, event);
  const rebalance = new Rebalance(event.transaction.hash);
  rebalance.vault = vault.id;
  rebalance.keeper = event.params.keeper;
  rebalance.tradeCount = event.params.trades.toI32();
  rebalance.navBefore = event.params.navBefore;
  rebalance.navAfter = event.params.navAfter;
  rebalance.navChange = event.params.navAfter.minus(event.params.navBefore);
  rebalance.blockNumber = event.block.number;
  rebalance.timestamp = event.block.timestamp;
  rebalance.save();

  vault.rebalanceCount = vault.rebalanceCount + 1;
  vault.lastRebalanceTimestamp = event.block.timestamp;
  vault.save();
  for (let k = 0; k < SNAPSHOT_TYPES.length; k++) {
    const entity = snapshot(vault, event, k);
    entity.setI32("rebalanceCount", entity.getI32("rebalanceCount") + 1);
    saveSnapshot(entity, k);
  }
  refreshHoldings(vault, event);
}

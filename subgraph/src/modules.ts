import { Address, BigInt } from "@graphprotocol/graph-ts";
import {
  CollateralManaged,
  CollateralManager,
  CollateralReleased,
} from "../generated/CollateralManager/CollateralManager";
import { HedgeManaged, HedgeModule, HedgeReleased } from "../generated/HedgeModule/HedgeModule";
import { CollateralAction, CollateralPosition, HedgeAction, HedgePosition } from "../generated/schema";
import { BPS, eventId } from "./helpers";

/** CollateralAction enum names, by value (None is never emitted). */
const COLLATERAL_ACTIONS = ["None", "Deleverage", "PostCollateral", "Repay", "Borrow", "WithdrawCollateral"];
/** HedgeAction enum names, by value. */
const HEDGE_ACTIONS = ["None", "Deleverage", "Increase", "Decrease"];

function collateralPosition(module: Address): CollateralPosition {
  let position = CollateralPosition.load(module);
  if (position != null) return position;
  position = new CollateralPosition(module);
  position.vault = CollateralManager.bind(module).vault();
  position.collateral = BigInt.zero();
  position.debt = BigInt.zero();
  position.ltvBps = 0;
  position.actionCount = 0;
  return position;
}

function hedgePosition(module: Address): HedgePosition {
  let position = HedgePosition.load(module);
  if (position != null) return position;
  position = new HedgePosition(module);
  position.vault = HedgeModule.bind(module).vault();
  position.collateral = BigInt.zero();
  position.short = BigInt.zero();
  position.exposure = BigInt.zero();
  position.netDelta = BigInt.zero();
  position.hedgeRatioBps = 0;
  position.actionCount = 0;
  return position;
}

function hedgeRatioBps(short: BigInt, exposure: BigInt): i32 {
  return exposure.isZero() ? 0 : short.times(BPS).div(exposure).toI32();
}

export function handleCollateralManaged(event: CollateralManaged): void {
  const position = collateralPosition(event.address);
  position.collateral = event.params.collateral;
  position.debt = event.params.debt;
  position.ltvBps = event.params.ltvBps.toI32();
  position.actionCount = position.actionCount + 1;
  position.updatedBlockNumber = event.block.number;
  position.updatedTimestamp = event.block.timestamp;
  position.save();

  const action = new CollateralAction(eventId(event));
  action.vault = position.vault;
  action.position = position.id;
  action.action = COLLATERAL_ACTIONS[event.params.action];
  action.amount = event.params.amount;
  action.collateral = event.params.collateral;
  action.debt = event.params.debt;
  action.ltvBps = event.params.ltvBps.toI32();
  action.blockNumber = event.block.number;
  action.timestamp = event.block.timestamp;
  action.transactionHash = event.transaction.hash;
  action.save();
}

export function handleCollateralReleased(event: CollateralReleased): void {
  const position = collateralPosition(event.address);
  // A redemption's release: read the position after it (an eth_call at this block).
  const now = CollateralManager.bind(event.address).try_position();
  if (!now.reverted) {
    position.collateral = now.value.getCollateral();
    position.debt = now.value.getDebt();
  }
  const ltv = CollateralManager.bind(event.address).try_ltvBps();
  if (!ltv.reverted) position.ltvBps = ltv.value.toI32();
  position.actionCount = position.actionCount + 1;
  position.updatedBlockNumber = event.block.number;
  position.updatedTimestamp = event.block.timestamp;
  position.save();

  const action = new CollateralAction(eventId(event));
  action.vault = position.vault;
  action.position = position.id;
  action.action = "Release";
  action.amount = event.params.collateral;
  action.collateral = event.params.collateral;
  action.debt = event.params.repaid;
  action.blockNumber = event.block.number;
  action.timestamp = event.block.timestamp;
  action.transactionHash = event.transaction.hash;
  action.save();
}

export function handleHedgeManaged(event: HedgeManaged): void {
  const position = hedgePosition(event.address);
  position.collateral = event.params.collateral;
  position.short = event.params.short;
  position.exposure = event.params.exposure;
  position.netDelta = event.params.exposure.minus(event.params.short);
  position.hedgeRatioBps = hedgeRatioBps(event.params.short, event.params.exposure);
  position.actionCount = position.actionCount + 1;
  position.updatedBlockNumber = event.block.number;
  position.updatedTimestamp = event.block.timestamp;
  position.save();

  const action = new HedgeAction(eventId(event));
  action.vault = position.vault;
  action.position = position.id;
  action.action = HEDGE_ACTIONS[event.params.action];
  action.amount = event.params.amount;
  action.collateral = event.params.collateral;
  action.short = event.params.short;
  action.exposure = event.params.exposure;
  action.netDelta = position.netDelta;
  action.blockNumber = event.block.number;
  action.timestamp = event.block.timestamp;
  action.transactionHash = event.transaction.hash;
  action.save();
}

export function handleHedgeReleased(event: HedgeReleased): void {
  const position = hedgePosition(event.address);
  const delta = HedgeModule.bind(event.address).try_netDelta();
  if (!delta.reverted) {
    position.exposure = delta.value.getExposure();
    position.short = delta.value.getShort();
    position.netDelta = delta.value.getNet();
    position.hedgeRatioBps = delta.value.getRatioBps().toI32();
  }
  const now = HedgeModule.bind(event.address).try_position();
  if (!now.reverted) position.collateral = now.value.getCollateral();
  position.actionCount = position.actionCount + 1;
  position.updatedBlockNumber = event.block.number;
  position.updatedTimestamp = event.block.timestamp;
  position.save();

  const action = new HedgeAction(eventId(event));
  action.vault = position.vault;
  action.position = position.id;
  action.action = "Release";
  action.amount = event.params.repaid;
  action.collateral = event.params.collateral;
  action.short = event.params.repaid;
  action.blockNumber = event.block.number;
  action.timestamp = event.block.timestamp;
  action.transactionHash = event.transaction.hash;
  action.save();
}

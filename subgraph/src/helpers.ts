import { Address, BigDecimal, BigInt, Bytes, ethereum } from "@graphprotocol/graph-ts";

export const BPS = BigInt.fromI32(10_000);
export const HOUR_SECONDS: i64 = 3_600;
export const DAY_SECONDS: i64 = 86_400;

/** An immutable entity's id for one log: the transaction hash and the log's index in its block. */
export function eventId(event: ethereum.Event): Bytes {
  return event.transaction.hash.concatI32(event.logIndex.toI32());
}

/** 10^decimals as a BigDecimal. */
export function scale(decimals: i32): BigDecimal {
  return BigInt.fromI32(10).pow(u8(decimals)).toBigDecimal();
}

/** `value` in whole units of a token with `decimals`. */
export function toUnits(value: BigInt, decimals: i32): BigDecimal {
  return value.toBigDecimal().div(scale(decimals));
}

/** `value` (18 decimals) as a BigDecimal. */
export function fromWad(value: BigInt): BigDecimal {
  return toUnits(value, 18);
}

/** a / b as a BigDecimal, zero when b is zero. */
export function ratio(a: BigDecimal, b: BigDecimal): BigDecimal {
  return b.equals(BigDecimal.zero()) ? BigDecimal.zero() : a.div(b);
}

/** A bytes32 registry key as its ASCII name (the bytes up to the first zero). */
export function keyName(key: Bytes): string {
  let length = 0;
  while (length < key.length && key[length] != 0) length++;
  return Bytes.fromUint8Array(key.subarray(0, length)).toString();
}

/** The first line of a proposal's description, without a leading markdown heading mark. */
export function titleOf(description: string): string {
  const newline = description.indexOf("\n");
  let title = newline < 0 ? description : description.slice(0, newline);
  while (title.startsWith("#")) title = title.slice(1);
  return title.trim();
}

/** A uint256 holding an address (the registry's Address parameters) as the address: its low 20 bytes. */
export function uintToAddress(value: BigInt): Address {
  const hex = value.toHexString().slice(2);
  return Address.fromString("0x" + (hex.length > 40 ? hex.slice(hex.length - 40) : hex.padStart(40, "0")));
}

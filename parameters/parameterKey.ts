import { hexToString, stringToHex, type Hex } from "viem";

/** Longest parameter name: 31 ASCII characters, so the key keeps a trailing zero byte. */
export const maxParameterNameLength = 31;

/**
 * The registry key of a parameter name: its ASCII bytes left-aligned in a bytes32.
 * @example parameterKey("rebalance.bandBps") // 0x726562616c616e63652e62616e6442707300…
 */
export function parameterKey(name: string): Hex {
  if (!/^[\x21-\x7e]+$/.test(name)) {
    throw new Error(`Parameter name "${name}" must be printable ASCII without spaces`);
  }
  if (name.length > maxParameterNameLength) {
    throw new Error(
      `Parameter name "${name}" is ${name.length} characters long; the limit is ${maxParameterNameLength}`,
    );
  }
  return stringToHex(name, { size: 32 });
}

/** The parameter name a registry key holds (the inverse of {@link parameterKey}). */
export function parameterName(key: Hex): string {
  return hexToString(key, { size: 32 }).replace(/\0+$/, "");
}

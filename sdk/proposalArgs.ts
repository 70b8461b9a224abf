import { encodeFunctionData, keccak256, toHex, type Abi, type Address, type Hex } from "viem";

/** One call a proposal makes. `value` is in wei. */
export type ProposalAction = { target: Address; value?: bigint; data: Hex };

/** A proposal's arrays and description hash, as OpenZeppelin's Governor takes them. */
export type ProposalArgs = {
  targets: Address[];
  values: bigint[];
  calldatas: Hex[];
  description: string;
  descriptionHash: Hex;
};

/**
 * The Governor arguments of a proposal made of `actions` and `description`.
 * @example const { targets, values, calldatas, descriptionHash } = proposalArgs(actions, "# Title")
 */
export function proposalArgs(actions: readonly ProposalAction[], description: string): ProposalArgs {
  return {
    targets: actions.map((a) => a.target),
    values: actions.map((a) => a.value ?? 0n),
    calldatas: actions.map((a) => a.data),
    description,
    descriptionHash: keccak256(toHex(description)),
  };
}

/** An action calling `functionName(...args)` on the contract at `target.address`. */
export function action(
  target: { address: Address; abi: Abi },
  functionName: string,
  args: readonly unknown[],
): ProposalAction {
  return {
    target: target.address,
    data: encodeFunctionData({ abi: target.abi, functionName, args } as Parameters<typeof encodeFunctionData>[0]),
  };
}

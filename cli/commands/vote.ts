import { isAddress, type Address } from "viem";
import { castVote, delegate, formatTrim, readProposalStatus } from "../../sdk/governance/actions.ts";
import { supports } from "../../sdk/governance/enums.ts";
import { trimtabTokenAbi } from "../../sdk/abis/contracts.ts";
import { connect, signer, type Command } from "../command.ts";

/** `--choice` as the governor counts it: For, Against or Abstain, in any case. */
function supportOf(choice: string | undefined): { value: number; label: string } {
  const found = supports.find((s) => s.label.toLowerCase() === choice?.trim().toLowerCase());
  if (!found)
    throw new Error(`--choice must be For, Against or Abstain; got ${choice === undefined ? "none" : `"${choice}"`}`);
  return found;
}

/** `trimtab proposal vote <id>`: a vote on chain, with the account's voting power at the proposal's snapshot. */
export const voteCommand: Command = {
  group: "proposal",
  name: "vote",
  argument: "<id>",
  summary:
    "Votes on an Active proposal on chain (For, Against or Abstain, with an optional reason published with it),\n" +
    "with the voting power delegated to the account at the proposal's snapshot.",
  examples: ['trimtab proposal vote 4242 --choice For --reason "a tighter band costs little" --account 1'],
  options: ["choice", "reason", "rpc", "deployment", "account"],
  async run(id, values) {
    if (!/^\d+$/.test(id)) throw new Error(`a proposal id is a decimal number; got "${id}"`);
    const support = supportOf(values.choice);
    const stack = await connect(values);
    const walletClient = await signer(stack, values.account);
    const { weight, hash } = await castVote(
      { publicClient: stack.publicClient, walletClient },
      { governor: stack.governor, proposalId: BigInt(id), support: support.value, reason: values.reason },
    );
    const { state } = await readProposalStatus(stack.publicClient, {
      governor: stack.governor,
      proposalId: BigInt(id),
    });
    console.log(
      `${walletClient.account.address} voted ${support.label} with ${formatTrim(weight)} (transaction ${hash})`,
    );
    console.log(`proposal ${id} is ${state}`);
    return 0;
  },
};

/** `trimtab delegate <address>`: the account's TRIM votes to a delegate (or `self`). */
export const delegateCommand: Command = {
  name: "delegate",
  argument: "<address|self>",
  summary:
    "Delegates the account's TRIM voting power to an address, or to itself with `self` (votes count only once\n" +
    "delegated). It counts for proposals made after the delegation.",
  examples: ["trimtab delegate self --account 1", "trimtab delegate 0x70997970C51812dc3A010C7d01b50e0d17dc79C8"],
  options: ["rpc", "deployment", "account"],
  async run(to, values) {
    const stack = await connect(values);
    const token = stack.contracts.TrimtabToken;
    if (!token) throw new Error(`${values.deployment}: the record lacks the token`);
    const walletClient = await signer(stack, values.account);
    const account = walletClient.account.address;
    if (to !== "self" && !isAddress(to, { strict: false }))
      throw new Error(`delegate to an address (0x and 40 hex digits) or self; got "${to}"`);
    const delegatee = (to === "self" ? account : to) as Address;
    const { hash } = await delegate({ publicClient: stack.publicClient, walletClient }, { token, delegatee });
    const votes = await stack.publicClient.readContract({
      address: token,
      abi: trimtabTokenAbi,
      functionName: "getVotes",
      args: [delegatee],
    });
    console.log(
      `${account} delegated to ${delegatee} (transaction ${hash}); its voting power is now ${formatTrim(votes)}`,
    );
    return 0;
  },
};

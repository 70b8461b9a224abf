import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { formatTrim } from "../../sdk/governance/actions.ts";
import { loadProposal } from "../../sdk/proposal/load.ts";
import { sendToHub } from "../../sdk/snapshot/hub.ts";
import type { SnapshotEnvelope } from "../../sdk/snapshot/messages.ts";
import { signSignal, signSnapshotVote } from "../../sdk/snapshot/sign.ts";
import { connect, signer, type Command, type OptionValues } from "../command.ts";

/** Sends `envelope` to `--hub`; without one, or when the hub cannot take it, writes it to `--out`. */
async function deliver(envelope: SnapshotEnvelope, kind: "signal" | "vote", values: OptionValues): Promise<number> {
  if (values.hub) {
    try {
      console.log(`sent to ${values.hub}: ${JSON.stringify(await sendToHub(values.hub, envelope))}`);
      return 0;
    } catch (error) {
      console.error(`${error instanceof Error ? error.message : String(error)}; writing the signed envelope instead`);
    }
  }
  const nowSeconds = Math.floor(Date.now() / 1000);
  const file = values.out ?? path.join("proposals", "signals", `${kind}-${nowSeconds}.json`);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify(envelope, null, 2));
  console.log(`signed by ${envelope.address}; envelope written to ${file}`);
  return 0;
}

function spaceOf(values: OptionValues): string {
  if (!values.space) throw new Error("--space names the Snapshot space, e.g. --space trimtab.eth");
  return values.space;
}

/** `trimtab proposal signal <file>`: a Snapshot signalling proposal, EIP-712 signed. */
export const signalCommand: Command = {
  group: "proposal",
  name: "signal",
  argument: "<file>",
  summary:
    "A Snapshot signalling proposal of the draft (For, Against, Abstain), signed with EIP-712 under Snapshot's\n" +
    "domain; its voting power is counted at the latest block.",
  examples: ["trimtab proposal signal proposals/examples/hedge-more.yaml --space trimtab.eth --days 5 --account 1"],
  options: ["space", "hub", "days", "account", "out", "rpc", "deployment"],
  async run(file, values) {
    const space = spaceOf(values);
    if (!/^\d+$/.test(values.days)) throw new Error(`--days must be a whole number of days, got ${values.days}`);
    const proposal = await loadProposal(file);
    const stack = await connect(values);
    const walletClient = await signer(stack, values.account);
    const envelope = await signSignal(
      { publicClient: stack.publicClient, walletClient },
      { space, proposal, days: Number(values.days) },
    );
    return deliver(envelope, "signal", values);
  },
};

/** `trimtab proposal snapshot-vote <snapshot id>`: a Snapshot vote, with its erc20-votes voting power. */
export const snapshotVoteCommand: Command = {
  group: "proposal",
  name: "snapshot-vote",
  argument: "<snapshot id>",
  summary:
    "A vote on a Snapshot proposal, signed with EIP-712 under Snapshot's domain, after reading the account's\n" +
    "voting power as Snapshot's erc20-votes strategy does (refused when it has none).",
  examples: [
    "trimtab proposal snapshot-vote 0x8c2d5b0e6b7d4f1e9a3c0b5d7e2f4a6c8e0b2d4f6a8c0e2b4d6f8a0c2e4b6d8f --choice For --space trimtab.eth --account 1",
  ],
  options: ["choice", "space", "snapshot-block", "reason", "hub", "account", "out", "rpc", "deployment"],
  async run(proposal, values) {
    const space = spaceOf(values);
    const block = values["snapshot-block"];
    if (block !== undefined && !/^\d+$/.test(block))
      throw new Error(`--snapshot-block must be a block number, got ${block}`);
    const stack = await connect(values);
    const token = stack.contracts.TrimtabToken;
    if (!token) throw new Error(`${values.deployment}: the record lacks the token`);
    const walletClient = await signer(stack, values.account);
    const { envelope, votingPower, snapshotBlock } = await signSnapshotVote(
      { publicClient: stack.publicClient, walletClient },
      {
        token,
        space,
        proposal,
        choice: values.choice ?? "",
        reason: values.reason,
        snapshotBlock: block === undefined ? undefined : BigInt(block),
      },
    );
    console.log(`voting power at block ${snapshotBlock}: ${formatTrim(votingPower)}`);
    return deliver(envelope, "vote", values);
  },
};

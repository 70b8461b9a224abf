#!/usr/bin/env node
/**
 * `trimtab`: the delegates' command line.
 *
 *   trimtab proposal new <name> [--dir proposals]       scaffold proposals/<name>.yaml
 *   trimtab proposal check <file> [options]             pre-vote checks against the live registry
 *   trimtab proposal simulate <file | id> [options]     checks, a dry run on the chain (reverted after) and the
 *                                                       impact simulation, as one report; an id decodes a
 *                                                       proposal already on chain, whoever made it
 *   trimtab proposal submit <file> [--account <n>]      the report, then propose with its hash in the description
 *   trimtab proposal queue|execute <id> [--account <n>] the governor's next step
 *   trimtab proposal signal <file> --space <s> [--hub <url>] [--days <n>] [--out <file>]
 *                                                       a Snapshot signalling proposal, EIP-712 signed
 *   trimtab proposal vote <snapshot id> --choice For|Against|Abstain --space <s> [--snapshot-block <n>]
 *                         [--reason <text>] [--hub <url>] [--out <file>]
 *                                                       a Snapshot vote, with its erc20-votes voting power
 *     --hub <url>            a Snapshot hub (sequencer) to send to; without one, or when it cannot be reached,
 *                            the signed envelope is written to --out (default proposals/signals/…json)
 *     --account <n>          sign with the node's n-th unlocked account; or set TRIMTAB_PRIVATE_KEY
 *     --rpc <url>            JSON-RPC of the chain (default http://127.0.0.1:8545)
 *     --deployment <file>    its deployment record (default deployments/localhost.json)
 *     --json                 print the result as JSON only
 *     --out <file>           also write the report (JSON) there
 *
 * Exit codes: 0 when every check passes (or only warns), 1 when one fails, 2 on bad usage or an unreadable file.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { createWalletClient, formatUnits, http, type Address, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { trimtabGovernorAbi } from "../sdk/abis/contracts.ts";
import { proposalStateName } from "../sdk/governance/enums.ts";
import { proposalActions, proposalDescription } from "../sdk/proposal/actions.ts";
import { checkProposal, type CheckResult } from "../sdk/proposal/check.ts";
import type { ProposalDraft } from "../sdk/proposal/format.ts";
import { loadProposal } from "../sdk/proposal/load.ts";
import { buildProposalReport, renderProposalReport, type ProposalReport } from "../sdk/proposal/report.ts";
import { decodeOnchainProposal, readOnchainProposal, reportCitationOf } from "../sdk/proposal/onchain.ts";
import {
  connectStack,
  dryRunProposal,
  impactRequest,
  simulationBase,
  type StackContracts,
} from "../sdk/proposal/stack.ts";
import { proposalArgs } from "../sdk/proposalArgs.ts";
import { erc20VotesPower, sendToHub } from "../sdk/snapshot/hub.ts";
import {
  signalMessage,
  signSnapshot,
  voteMessage,
  type SnapshotProposalMessage,
  type SnapshotVoteMessage,
} from "../sdk/snapshot/messages.ts";
import { simulateNow } from "../sim/simulate.ts";

const usage = `usage:
  trimtab proposal new <name> [--dir proposals]
  trimtab proposal check <file> [--rpc <url>] [--deployment <file>] [--json]
  trimtab proposal simulate <file | id> [--rpc <url>] [--deployment <file>] [--json] [--out <file>]
  trimtab proposal submit <file> [--account <n>]   (or TRIMTAB_PRIVATE_KEY)
  trimtab proposal queue <id> [--account <n>]
  trimtab proposal execute <id> [--account <n>]
  trimtab proposal signal <file> --space <s> [--hub <url>] [--days <n>] [--account <n>] [--out <file>]
  trimtab proposal vote <snapshot id> --choice For|Against|Abstain --space <s> [--snapshot-block <n>] [--reason <text>]
                        [--hub <url>] [--account <n>] [--out <file>]`;

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseOptions(argv);
  } catch (error) {
    console.error(`${(error as Error).message}\n${usage}`);
    return 2;
  }
  const { positionals, values } = parsed;
  const [group, command, target] = positionals;
  if (group !== "proposal" || !command || !target) {
    console.error(usage);
    return 2;
  }
  if (command === "new") return scaffold(target, values.dir);
  if (command === "check") return check(target, values.rpc, values.deployment, values.json);
  if (command === "simulate") return simulateProposal(target, values.rpc, values.deployment, values.json, values.out);
  if (command === "submit" || command === "queue" || command === "execute")
    return lifecycle(command, target, values.rpc, values.deployment, values.account);
  if (command === "signal" || command === "vote") return signalOrVote(command, target, values);
  console.error(`unknown command "proposal ${command}"\n${usage}`);
  return 2;
}

function parseOptions(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      rpc: { type: "string", default: "http://127.0.0.1:8545" },
      deployment: { type: "string", default: "deployments/localhost.json" },
      dir: { type: "string", default: "proposals" },
      json: { type: "boolean", default: false },
      out: { type: "string" },
      account: { type: "string" },
      space: { type: "string" },
      hub: { type: "string" },
      days: { type: "string", default: "3" },
      choice: { type: "string" },
      reason: { type: "string" },
      "snapshot-block": { type: "string" },
    },
  });
}

async function scaffold(name: string, dir: string): Promise<number> {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) {
    console.error(`proposal names are lowercase words joined by dashes, e.g. tighter-band; got "${name}"`);
    return 2;
  }
  const file = path.join(dir, `${name}.yaml`);
  const template = `title: ${name.replaceAll("-", " ")}
body: |
  # ${name.replaceAll("-", " ")}

  What this changes and why; what the impact report shows.
changes:
  # Parameter names are the registry's; values in their units: "4%", "250 bps", "12h", "1_000_000 USDC", true.
  rebalance.bandBps: 4%
simulation:
  paths: 2000
  seed: 1
`;
  try {
    await writeFile(file, template, { flag: "wx" });
  } catch (error) {
    console.error(`${file}: ${(error as NodeJS.ErrnoException).code === "EEXIST" ? "already exists" : String(error)}`);
    return 2;
  }
  console.log(`wrote ${file}: edit its title, body and changes, then run trimtab proposal check ${file}`);
  return 0;
}

/** The chain a proposal is checked against: clients, the deployment's addresses and the registry snapshot. */
async function connect(rpc: string, deploymentFile: string) {
  const record = JSON.parse(
    await readFile(deploymentFile, "utf8").catch(() => {
      throw new Error(`${deploymentFile}: no deployment record (start the stack with npm start, or pass --deployment)`);
    }),
  ) as { contracts: StackContracts };
  return connectStack(http(rpc), record.contracts, deploymentFile);
}

async function check(file: string, rpc: string, deploymentFile: string, json: boolean): Promise<number> {
  let result: CheckResult;
  try {
    const proposal = await loadProposal(file);
    const chain = await connect(rpc, deploymentFile);
    result = checkProposal(file, proposal, await chain.readSnapshot());
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 2;
  }
  if (json) console.log(JSON.stringify(result, (_, v) => (typeof v === "bigint" ? v.toString() : v), 2));
  else {
    for (const c of result.checks)
      console.log(`${c.status.toUpperCase().padEnd(4)}  ${c.rule.padEnd(17)}  ${c.message}`);
    console.log(`\n${result.verdict}`);
  }
  return result.verdict === "FAIL" ? 1 : 0;
}

type Chain = Awaited<ReturnType<typeof connect>>;

/**
 * A proposal to report on: a file in proposals/, or the id of a proposal already on chain (decoded back into
 * parameter changes and raw calls).
 */
async function proposalFrom(
  source: string,
  chain: Chain,
): Promise<{ name: string; proposal: ProposalDraft; cited?: { hash: Hex; blockNumber?: bigint } }> {
  if (!/^\d+$/.test(source)) return { name: source, proposal: await loadProposal(source) };
  const governor = chain.governor;
  const onchain = await readOnchainProposal(chain.publicClient, governor, BigInt(source));
  const proposal = decodeOnchainProposal(onchain, chain.registry, await chain.readSnapshot());
  const cited = reportCitationOf(onchain.description);
  return { name: `proposal ${source}`, proposal, ...(cited ? { cited } : {}) };
}

/**
 * Checks, dry run and impact simulation of a proposal, as one report. The simulation starts from the chain as it is
 * now, before the proposal, or from `simulateAt` (the block a cited report started from, to reproduce it).
 */
async function reportOn(name: string, proposal: ProposalDraft, chain: Chain, simulateAt?: bigint) {
  const checked = checkProposal(name, proposal, await chain.readSnapshot());
  const base = await simulationBase(chain, simulateAt === undefined ? {} : { blockNumber: simulateAt });
  const { request, notSimulated } = impactRequest(base, proposal, checked);
  const impact = simulateNow(request);
  const dry = await dryRunProposal(chain, proposal, checked);
  const report = buildProposalReport({ file: name, title: proposal.title, checked, dryRun: dry, impact, notSimulated });
  return { report, actions: proposalActions(proposal, checked.changes, chain.registry) };
}

async function simulateProposal(
  source: string,
  rpc: string,
  deploymentFile: string,
  json: boolean,
  out: string | undefined,
): Promise<number> {
  let report: ProposalReport;
  let cited: { hash: Hex; blockNumber?: bigint } | undefined;
  try {
    const started = performance.now();
    const chain = await connect(rpc, deploymentFile);
    const { name, proposal, ...rest } = await proposalFrom(source, chain);
    cited = rest.cited;
    ({ report } = await reportOn(name, proposal, chain, cited?.blockNumber));
    if (!json) console.error(`simulated in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 2;
  }
  if (out) await writeFile(out, JSON.stringify(report, null, 2));
  console.log(
    json
      ? JSON.stringify({ ...report, ...(cited ? { citedImpactReport: cited.hash } : {}) }, null, 2)
      : renderProposalReport(report),
  );
  if (!json && cited)
    console.log(
      `\nThe description cites impact report ${cited.hash}` +
        (cited.blockNumber === undefined ? "" : ` of block ${cited.blockNumber}`) +
        `; this run's${cited.blockNumber === undefined ? "" : ", from the same block,"} is ${report.impact.contentHash}` +
        (cited.hash === report.impact.contentHash
          ? " (the same)."
          : cited.blockNumber === undefined
            ? " (the chain has moved on since, or the numbers differ)."
            : " (the numbers differ: another engine version, or another report)."),
    );
  return report.verdict === "FAIL" ? 1 : 0;
}

/** The account that signs: `--account <n>` of the node's unlocked accounts, or the key in TRIMTAB_PRIVATE_KEY. */
async function signer(chain: Chain, accountIndex: string | undefined) {
  const key = process.env.TRIMTAB_PRIVATE_KEY;
  if (key) return createWalletClient({ account: privateKeyToAccount(key as Hex), transport: chain.transport });
  const walletClient = createWalletClient({ transport: chain.transport });
  const accounts = await walletClient.getAddresses();
  const account = accounts[Number(accountIndex ?? "0")];
  if (!account) throw new Error(`--account ${accountIndex}: the node has ${accounts.length} unlocked accounts`);
  return createWalletClient({ account, transport: chain.transport });
}

/**
 * `proposal submit <file>`: the report first (a FAIL verdict stops here), then `propose` with the impact report's
 * hash in the description. `proposal queue|execute <id>`: the governor's next step for a proposal on chain.
 */
async function lifecycle(
  command: "submit" | "queue" | "execute",
  source: string,
  rpc: string,
  deploymentFile: string,
  accountIndex: string | undefined,
): Promise<number> {
  try {
    const chain = await connect(rpc, deploymentFile);
    const governor = chain.governor;
    const wallet = await signer(chain, accountIndex);
    const send = async (functionName: "propose" | "queue" | "execute", args: readonly unknown[]) => {
      const hash = await wallet.writeContract({
        address: governor,
        abi: trimtabGovernorAbi,
        functionName,
        args,
        chain: null,
      } as never);
      const receipt = await chain.publicClient.waitForTransactionReceipt({ hash });
      if (receipt.status !== "success") throw new Error(`${functionName} reverted in ${hash}`);
      return hash;
    };
    if (command === "submit") {
      const proposal = await loadProposal(source);
      const { report, actions } = await reportOn(source, proposal, chain);
      if (report.verdict === "FAIL") {
        console.error(renderProposalReport(report));
        console.error(`\n${source}: not submitted, the report's verdict is FAIL`);
        return 1;
      }
      const description = proposalDescription(
        proposal,
        report.impact.contentHash,
        report.impact.inputs.source?.blockNumber,
      );
      const { targets, values, calldatas, descriptionHash } = proposalArgs(actions, description);
      await send("propose", [targets, values, calldatas, description]);
      const id = await chain.publicClient.readContract({
        address: governor,
        abi: trimtabGovernorAbi,
        functionName: "hashProposal",
        args: [targets, values, calldatas, descriptionHash],
      });
      console.log(`proposed ${id} (${report.verdict}); impact report ${report.impact.contentHash}`);
      return 0;
    }
    const onchain = await readOnchainProposal(chain.publicClient, governor, BigInt(source));
    await send(command, [onchain.targets, onchain.values, onchain.calldatas, onchain.descriptionHash]);
    const state = await chain.publicClient.readContract({
      address: governor,
      abi: trimtabGovernorAbi,
      functionName: "state",
      args: [onchain.id],
    });
    console.log(`${command === "queue" ? "queued" : "executed"} ${onchain.id}; state ${proposalStateName(state)}`);
    return 0;
  } catch (error) {
    console.error(error instanceof Error ? error.message.split("\n")[0] : String(error));
    return 2;
  }
}

/**
 * `proposal signal <file>` / `proposal vote <snapshot id>`: a Snapshot message signed with EIP-712 (Snapshot's
 * domain and types), sent to `--hub` or written as a signed envelope file.
 */
async function signalOrVote(
  command: "signal" | "vote",
  target: string,
  options: {
    rpc: string;
    deployment: string;
    account?: string | undefined;
    space?: string | undefined;
    hub?: string | undefined;
    days: string;
    choice?: string | undefined;
    reason?: string | undefined;
    out?: string | undefined;
    "snapshot-block"?: string | undefined;
  },
): Promise<number> {
  try {
    if (!options.space) throw new Error("--space names the Snapshot space, e.g. --space trimtab.eth");
    const chain = await connect(options.rpc, options.deployment);
    const wallet = await signer(chain, options.account);
    const from = wallet.account!.address;
    const nowSeconds = Math.floor(Date.now() / 1000);
    let message: SnapshotProposalMessage | SnapshotVoteMessage;
    if (command === "signal") {
      const proposal = await loadProposal(target);
      const days = Number(options.days);
      if (!(Number.isInteger(days) && days >= 1))
        throw new Error(`--days must be a whole number of days, got ${options.days}`);
      message = signalMessage({
        from,
        space: options.space,
        title: proposal.title,
        body: proposalDescription(proposal),
        startSeconds: nowSeconds,
        endSeconds: nowSeconds + days * 86_400,
        snapshotBlock: Number(await chain.publicClient.getBlockNumber()),
        timestampSeconds: nowSeconds,
      });
    } else {
      const token = chain.contracts.TrimtabToken;
      if (!token) throw new Error(`${options.deployment}: the record lacks the token`);
      const block = BigInt(options["snapshot-block"] ?? (await chain.publicClient.getBlockNumber()));
      const power = await erc20VotesPower(chain.publicClient, token, from, block);
      if (power === 0n) throw new Error(`${from} has no voting power at block ${block} (delegate TRIM to it first)`);
      message = voteMessage({
        from,
        space: options.space,
        proposal: target,
        choice: options.choice ?? "",
        ...(options.reason ? { reason: options.reason } : {}),
        timestampSeconds: nowSeconds,
      });
      console.log(`voting power at block ${block}: ${formatUnits(power, 18)} TRIM`);
    }
    const envelope = await signSnapshot(wallet, wallet.account!, message);
    if (options.hub) {
      try {
        console.log(`sent to ${options.hub}: ${JSON.stringify(await sendToHub(options.hub, envelope))}`);
        return 0;
      } catch (error) {
        console.error(`${error instanceof Error ? error.message : String(error)}; writing the signed envelope instead`);
      }
    }
    const file = options.out ?? path.join("proposals", "signals", `${command}-${nowSeconds}.json`);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, JSON.stringify(envelope, null, 2));
    console.log(`signed by ${from}; envelope written to ${file}`);
    return 0;
  } catch (error) {
    console.error(error instanceof Error ? error.message.split("\n")[0] : String(error));
    return 2;
  }
}

process.exitCode = await main(process.argv.slice(2));

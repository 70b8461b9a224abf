#!/usr/bin/env node
/**
 * `trimtab`: the delegates' command line.
 *
 *   trimtab proposal new <name> [--dir proposals]       scaffold proposals/<name>.yaml
 *   trimtab proposal check <file> [options]             pre-vote checks against the live registry
 *     --rpc <url>            JSON-RPC of the chain (default http://127.0.0.1:8545)
 *     --deployment <file>    its deployment record (default deployments/localhost.json)
 *     --json                 print the result as JSON only
 *
 * Exit codes: 0 when every check passes (or only warns), 1 when one fails, 2 on bad usage or an unreadable file.
 */
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { createPublicClient, http, parseAbi, type Address } from "viem";
import { checkProposal, type CheckResult } from "../sdk/proposal/check.ts";
import { ProposalError } from "../sdk/proposal/format.ts";
import { loadProposal } from "../sdk/proposal/load.ts";
import { readRegistrySnapshot } from "../sdk/proposal/snapshot.ts";

const usage = `usage:
  trimtab proposal new <name> [--dir proposals]
  trimtab proposal check <file> [--rpc <url>] [--deployment <file>] [--json]`;

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      rpc: { type: "string", default: "http://127.0.0.1:8545" },
      deployment: { type: "string", default: "deployments/localhost.json" },
      dir: { type: "string", default: "proposals" },
      json: { type: "boolean", default: false },
    },
  });
  const [group, command, target] = positionals;
  if (group !== "proposal" || !command || !target) {
    console.error(usage);
    return 2;
  }
  if (command === "new") return scaffold(target, values.dir);
  if (command === "check") return check(target, values.rpc, values.deployment, values.json);
  console.error(`unknown command "proposal ${command}"\n${usage}`);
  return 2;
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

async function check(file: string, rpc: string, deploymentFile: string, json: boolean): Promise<number> {
  let result: CheckResult;
  try {
    const proposal = await loadProposal(file);
    const record = JSON.parse(
      await readFile(deploymentFile, "utf8").catch(() => {
        throw new Error(
          `${deploymentFile}: no deployment record (start the stack with npm start, or pass --deployment)`,
        );
      }),
    ) as { contracts: Record<string, Address> };
    const client = createPublicClient({ transport: http(rpc) });
    const { ParameterRegistry: registry, TrimtabGovernor: governor, PortfolioVault: vault } = record.contracts;
    if (!registry || !governor || !vault)
      throw new Error(`${deploymentFile}: the record lacks the registry, governor or vault`);
    const erc20 = parseAbi(["function symbol() view returns (string)", "function decimals() view returns (uint8)"]);
    const base = await client.readContract({
      address: vault,
      abi: parseAbi(["function asset() view returns (address)"]),
      functionName: "asset",
    });
    const [symbol, decimals] = await Promise.all([
      client.readContract({ address: base, abi: erc20, functionName: "symbol" }),
      client.readContract({ address: base, abi: erc20, functionName: "decimals" }),
    ]);
    const snapshot = await readRegistrySnapshot(client, { registry, governor }, { symbol, decimals });
    result = checkProposal(file, proposal, snapshot);
  } catch (error) {
    console.error(error instanceof ProposalError || error instanceof Error ? error.message : String(error));
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

process.exitCode = await main(process.argv.slice(2));

import hre from "hardhat";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { toEventSignature, type Abi, type AbiEvent, type Address } from "viem";
import type { DeploymentRecord } from "../../sdk/deployment.ts";
import { networksJson, renderManifest, subgraphContracts, subgraphDir } from "../../scripts/codegen/subgraph.ts";

const fakeAddress = (i: number) => `0x${(i + 1).toString(16).padStart(40, "0")}` as Address;

/** Events the subgraph leaves out on purpose, and why. */
const notIndexed: Record<string, string> = {
  "PortfolioVault.Approval": "share allowances are not analytics",
  "PortfolioVault.Transfer": "share balances per holder are not indexed; NavUpdated carries the supply",
  "PortfolioVault.ModuleReleaseFailed":
    "the redemption's own event (RedeemedInKind, Withdraw) carries what the redeemer received; the module's position is read from the chain",
  "TrimtabToken.Approval": "token allowances are not governance",
  "TrimtabToken.EIP712DomainChanged": "never emitted: the domain is fixed",
  "TrimtabGovernor.EIP712DomainChanged": "never emitted: the domain is fixed",
  "TimelockController.MinDelayChange":
    "the delay is read from the chain; changing it takes a proposal, indexed as such",
  "TimelockController.RoleAdminChanged": "roles are fixed at deployment (test/access/roles proves who holds them)",
  "TimelockController.RoleGranted": "roles are fixed at deployment (test/access/roles proves who holds them)",
  "TimelockController.RoleRevoked": "roles are fixed at deployment (test/access/roles proves who holds them)",
};

/** The event signatures (as graph-cli writes them: `indexed` before indexed inputs) each data source handles. */
function manifestEvents(manifest: string): Map<string, Set<string>> {
  const events = new Map<string, Set<string>>();
  let source = "";
  for (const line of manifest.split("\n")) {
    const name = /^\s+name: (\w+)$/.exec(line);
    if (name?.[1] && (subgraphContracts as readonly string[]).includes(name[1])) source = name[1];
    const event = /^\s+- event: (.+)$/.exec(line);
    if (event?.[1]) events.set(source, (events.get(source) ?? new Set()).add(event[1]));
  }
  return events;
}

function graphSignature(event: AbiEvent): string {
  const type = (p: AbiEvent["inputs"][number]): string =>
    toEventSignature({ ...event, inputs: [p] }).replace(/^\w+\(|\)$/g, "");
  return `${event.name}(${event.inputs.map((p) => `${p.indexed ? "indexed " : ""}${type(p)}`).join(",")})`;
}

describe("subgraph manifest", () => {
  it("handles every event of every indexed contract, except those left out with a reason", async () => {
    const manifest = manifestEvents(await readFile(path.join(subgraphDir, "subgraph.yaml"), "utf8"));
    for (const contract of subgraphContracts) {
      const { abi } = (await hre.artifacts.readArtifact(contract)) as { abi: Abi };
      const handled = manifest.get(contract) ?? new Set<string>();
      const events = abi.filter((item): item is AbiEvent => item.type === "event");
      for (const event of events) {
        const key = `${contract}.${event.name}`;
        if (key in notIndexed) {
          expect(handled.has(graphSignature(event)), `${key} is listed as not indexed`).toBe(false);
          continue;
        }
        expect(handled.has(graphSignature(event)), `${key} has no handler in subgraph.yaml`).toBe(true);
      }
      // And no handler for an event the contract does not emit.
      expect([...handled].filter((s) => !events.some((e) => graphSignature(e) === s))).toEqual([]);
    }
  });

  const record: DeploymentRecord = {
    network: "devnet",
    chainId: 31_337,
    startBlock: 7,
    deployedAt: "2026-11-24T00:00:00.000Z",
    contracts: Object.fromEntries(
      subgraphContracts.map((name, i) => [name, fakeAddress(i)]),
    ) as DeploymentRecord["contracts"],
  };

  it("points every data source at a deployment's network, address and start block", async () => {
    const rendered = renderManifest(await readFile(path.join(subgraphDir, "subgraph.yaml"), "utf8"), record);
    subgraphContracts.forEach((name, i) => {
      const address = fakeAddress(i);
      expect(rendered).toContain(
        `name: ${name}\n    network: devnet\n    source:\n      address: "${address}"\n      abi: ${name}\n      startBlock: 7`,
      );
    });
    expect(networksJson([record]).devnet?.ParameterRegistry).toEqual({
      address: fakeAddress(subgraphContracts.indexOf("ParameterRegistry")),
      startBlock: 7,
    });
  });

  it("names a public chain as graph-node and Subgraph Studio do, not as Hardhat's network", async () => {
    const arbitrum = { ...record, network: "arbitrum", chainId: 42_161 } as DeploymentRecord;
    const rendered = renderManifest(await readFile(path.join(subgraphDir, "subgraph.yaml"), "utf8"), arbitrum);
    expect(rendered).toContain("name: TrimtabGovernor\n    network: arbitrum-one\n");
    expect(rendered).not.toContain("network: arbitrum\n");
    expect(Object.keys(networksJson([arbitrum]))).toEqual(["arbitrum-one"]);
    expect(Object.keys(networksJson([{ ...record, network: "mainnet", chainId: 1 } as DeploymentRecord]))).toEqual([
      "mainnet",
    ]);
  });

  it("refuses a deployment that lacks one of the indexed contracts, naming it", async () => {
    const manifest = await readFile(path.join(subgraphDir, "subgraph.yaml"), "utf8");
    const { HedgeModule: _omitted, ...contracts } = record.contracts as Record<string, string>;
    expect(() => renderManifest(manifest, { ...record, contracts } as DeploymentRecord)).toThrow(
      "deployments/devnet.json has no HedgeModule",
    );
  });

  it("points the data source of a module the deployment omitted on purpose at the zero address, which emits nothing", async () => {
    const manifest = await readFile(path.join(subgraphDir, "subgraph.yaml"), "utf8");
    const { HedgeModule: _omitted, ...contracts } = record.contracts as Record<string, string>;
    const network = { ...record, contracts, omitted: { HedgeModule: "no hedge market" } } as DeploymentRecord;
    expect(renderManifest(manifest, network)).toContain(
      `name: HedgeModule\n    network: devnet\n    source:\n      address: "0x0000000000000000000000000000000000000000"`,
    );
    expect(networksJson([network]).devnet?.HedgeModule).toEqual({
      address: "0x0000000000000000000000000000000000000000",
      startBlock: 7,
    });
  });
});

import { mkdtemp, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  findDeploymentRecord,
  parseDeploymentRecord,
  readDeploymentRecord,
  redactRpcUrl,
  verificationDir,
  writeDeploymentRecord,
  type DeploymentRecord,
} from "./deployment.ts";

const address = (n: number) => `0x${n.toString(16).padStart(40, "0")}` as const;
const record: DeploymentRecord = {
  network: "test-net",
  chainId: 31_337,
  startBlock: 0,
  deployedAt: "2026-12-06T00:00:00.000Z",
  contracts: {
    TrimtabToken: address(1),
    TimelockController: address(2),
    TrimtabGovernor: address(3),
    ParameterRegistry: address(4),
    PortfolioVault: address(5),
  },
};

describe("sdk/deployment: the deployment record, read one way by every reader", () => {
  it("reads back what it writes, atomically, and finds no record where there is none", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "trimtab-deployment-"));
    const file = await writeDeploymentRecord(record, dir);
    expect(file).toBe(path.join(dir, "test-net.json"));
    expect(await readdir(dir)).toEqual(["test-net.json"]);
    expect(await readDeploymentRecord(file, { missing: "deploy first" })).toEqual(record);
    expect(await findDeploymentRecord("test-net", dir)).toEqual(record);
    expect(await findDeploymentRecord("elsewhere", dir)).toBeUndefined();
    await expect(readDeploymentRecord(path.join(dir, "nope.json"), { missing: "deploy first" })).rejects.toThrow(
      `${path.join(dir, "nope.json")}: no deployment record (deploy first)`,
    );
    await expect(writeDeploymentRecord({ ...record, network: "../escape" }, dir)).rejects.toThrow(
      'Network name "../escape" may only hold letters, digits, _ and -',
    );
  });

  it("refuses a broken or foreign file, naming the field at fault", async () => {
    const refused = (value: unknown) => () => parseDeploymentRecord("r.json", JSON.stringify(value));
    expect(() => parseDeploymentRecord("r.json", "{")).toThrow(/^r\.json: not a deployment record \(.*JSON/);
    expect(refused([record])).toThrow("r.json: not a deployment record (the document must be an object)");
    expect(refused({ ...record, chainId: "31337" })).toThrow("(chainId must be a positive integer)");
    expect(refused({ ...record, startBlock: -1 })).toThrow("(startBlock must be a block number)");
    expect(refused({ ...record, rpcUrl: "127.0.0.1:8545" })).toThrow("(rpcUrl must be an http(s) URL when present)");
    expect(parseDeploymentRecord("r.json", JSON.stringify({ ...record, rpcUrl: "http://127.0.0.1:8645" })).rpcUrl).toBe(
      "http://127.0.0.1:8645",
    );
    expect(refused({ ...record, contracts: undefined })).toThrow("(contracts must be an object of addresses)");
    const { TrimtabGovernor: _, ...noGovernor } = record.contracts;
    expect(refused({ ...record, contracts: noGovernor })).toThrow("(contracts.TrimtabGovernor must be an address)");
    expect(refused({ ...record, contracts: { ...record.contracts, HedgeModule: "0x12" } })).toThrow(
      "(contracts.HedgeModule must be an address when present)",
    );
    const dir = await mkdtemp(path.join(tmpdir(), "trimtab-deployment-"));
    await writeFile(path.join(dir, "test-net.json"), JSON.stringify({ ...record, network: 7 }));
    await expect(findDeploymentRecord("test-net", dir)).rejects.toThrow("(network must be a name)");
  });

  it("records an RPC URL without its secrets: credentials, query and key-like path segments", () => {
    expect(redactRpcUrl("http://127.0.0.1:8545")).toBe("http://127.0.0.1:8545");
    expect(redactRpcUrl("https://mainnet.base.org/")).toBe("https://mainnet.base.org/");
    expect(redactRpcUrl("https://mainnet.infura.io/v3/9aa3d95b3bc440fa88ea12eaa4456161")).toBe(
      "https://mainnet.infura.io/v3/redacted",
    );
    expect(redactRpcUrl("https://eth-mainnet.g.alchemy.com/v2/Xy_z-0123456789abcdef")).toBe(
      "https://eth-mainnet.g.alchemy.com/v2/redacted",
    );
    expect(redactRpcUrl("https://user:hunter2@rpc.example.org/eth?apikey=secret#x")).toBe(
      "https://redacted@rpc.example.org/eth",
    );
    expect(() => redactRpcUrl("not a url")).toThrow('RPC URL "not a url" is not a URL');
  });

  it("keeps the vault's libraries and the verification folder, refusing a library that is not an address", () => {
    const full = { ...record, libraries: { ExitPlanLib: address(9) }, verification: "test-net.verify" };
    expect(parseDeploymentRecord("r.json", JSON.stringify(full))).toEqual(full);
    expect(() =>
      parseDeploymentRecord("r.json", JSON.stringify({ ...record, libraries: { ExitPlanLib: "0x12" } })),
    ).toThrow("(libraries.ExitPlanLib must be an address)");
    expect(verificationDir("base", "/d")).toBe(path.join("/d", "base.verify"));
    const { HedgeModule: _hedge, ...noHedge } = { ...record.contracts, HedgeModule: address(7) };
    const omitted = { ...record, contracts: noHedge, omitted: { HedgeModule: "no hedge market" } };
    expect(parseDeploymentRecord("r.json", JSON.stringify(omitted))).toEqual(omitted);
    expect(() =>
      parseDeploymentRecord("r.json", JSON.stringify({ ...omitted, omitted: { TrimtabToken: "why not" } })),
    ).toThrow("(omitted.TrimtabToken must be one of PortfolioVault, CollateralManager, HedgeModule)");
    expect(() =>
      parseDeploymentRecord("r.json", JSON.stringify({ ...record, omitted: { PortfolioVault: "deployed anyway" } })),
    ).toThrow("(omitted.PortfolioVault must be absent from contracts)");
  });
});

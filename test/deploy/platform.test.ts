import type { ChildProcess } from "node:child_process";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import hre from "hardhat";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeDeployData, getAddress, maxUint256, parseUnits, type Address, type Hex } from "viem";
import { startHardhatNode } from "../../devnet/hardhatNode.ts";
import { deployDevnet } from "../../devnet/protocols.ts";
import { devnetDeployParameters } from "../../devnet/stack.ts";
import { linkBytecode, type PlanArtifact } from "../../ignition/planGas.ts";
import { resolveArgs } from "../../ignition/plan.ts";
import type { VerificationInput } from "../../ignition/verification.ts";
import { base, devnetAddressBook, type AddressBook } from "../../networks/index.ts";
import { parameterKey } from "../../parameters/index.ts";
import { renderManifest, subgraphContracts, subgraphDir } from "../../scripts/codegen/subgraph.ts";
import { findAddressBook, runDeploy } from "../../scripts/deploy.ts";
import { parseDeploymentRecord, type DevnetRecord } from "../../sdk/deployment.ts";
import { keeperCycle } from "../../sdk/keeper.ts";
import type { Connection } from "../helpers/governance.ts";

const solc = createRequire(import.meta.url)("solc") as { version(): string; compile(input: string): string };
type SolcOutput = {
  errors?: { severity: string; formattedMessage: string }[];
  contracts: Record<
    string,
    Record<string, { evm: { deployedBytecode: { object: string; immutableReferences: Record<string, Span[]> } } }>
  >;
};
type Span = { start: number; length: number };
/** `code` (hex without 0x) with the byte ranges of `spans` zeroed. */
const mask = (code: string, spans: readonly Span[]) =>
  spans.reduce(
    (c, { start, length }) => c.slice(0, start * 2) + "00".repeat(length) + c.slice((start + length) * 2),
    code,
  );

const root = path.resolve(import.meta.dirname, "..", "..");
const port = 18_833;
const deploymentId = `test-platform-${port}`;
const network = "test-platform";
/** What the record is told the RPC is: a provider's URL, with a password, a key in its path and one in its query. */
const rpcUrl = "https://deployer:hunter2@rpc.example.org/v2/Xy0123456789abcdefXy?apikey=secret";

/**
 * On a Hardhat node over HTTP (where Ignition journals a deployment, so that a second run resumes it), the devnet's
 * protocols first, as a real chain has them, then `npm run deploy`'s flow with the devnet's address book.
 */
describe("npm run deploy: the whole platform from a devnet's address book", () => {
  let chain: ChildProcess | undefined;
  let connection: Connection;
  let devnet: DevnetRecord;
  let book: AddressBook;
  let deploymentsDir: string;
  let deployed: Awaited<ReturnType<typeof runDeploy>>;
  let output: string[];
  const parameters = () => {
    const p = devnetDeployParameters(devnet);
    return { ...p, parameters: { ...p.parameters, "rebalance.bandBps": 400n } };
  };
  const deployer = async () => (await connection.viem.getWalletClients())[0]!.account.address;
  const nonce = async () =>
    (await connection.viem.getPublicClient()).getTransactionCount({ address: await deployer(), blockTag: "pending" });
  const deploy = (dryRun: boolean) => {
    output = [];
    return runDeploy(connection, {
      network,
      book,
      parameters: parameters(),
      dryRun,
      deploymentsDir,
      deploymentId,
      rpcUrl,
      devnet,
      log: (line) => output.push(line),
    });
  };

  beforeAll(async () => {
    await rm(path.join(root, "ignition", "deployments", deploymentId), { recursive: true, force: true });
    deploymentsDir = await mkdtemp(path.join(tmpdir(), "trimtab-platform-"));
    chain = await startHardhatNode(port, path.join(deploymentsDir, "node.log"));
    connection = await hre.network.create({ network: "localhost", override: { url: `http://127.0.0.1:${port}` } });
    // The world a real chain has: tokens, feeds, Uniswap V3 and Morpho Blue, deployed by the devnet's own code.
    ({ record: devnet } = await deployDevnet(connection, { deploymentId }));
    const chainId = await (await connection.viem.getPublicClient()).getChainId();
    book = devnetAddressBook({ network, chainId, devnet });
  });
  afterAll(async () => {
    chain?.kill("SIGTERM");
    await rm(path.join(root, "ignition", "deployments", deploymentId), { recursive: true, force: true });
  });

  it("--dry-run prints the plan (addresses with sources, parameters, gas) and sends nothing", async () => {
    const before = { nonce: await nonce(), block: await (await connection.viem.getPublicClient()).getBlockNumber() };
    const { plan, gas, record } = await deploy(true);
    expect(record).toBeUndefined();
    expect(await nonce()).toBe(before.nonce);
    expect(await (await connection.viem.getPublicClient()).getBlockNumber()).toBe(before.block);
    const text = output.join("\n");
    for (const a of plan.addresses) expect(text).toContain(`${a.address}  [${a.source}]`);
    for (const p of plan.parameters) expect(text).toContain(p.name);
    expect(text).toMatch(/\*rebalance\.bandBps\s+400/);
    for (const g of gas) expect(g.gas, g.name).toBeGreaterThan(21_000n);
    expect(gas.map((g) => g.name)).toEqual([...plan.contracts.map((c) => c.name), ...plan.calls.map((c) => c.name)]);
    const total = gas.reduce((sum, g) => sum + g.gas, 0n);
    expect(text).toMatch(new RegExp(`total\\s+${total}`));
    expect(text).toContain("Dry run: nothing was sent.");
  });

  it("warns when the deployer cannot pay for the plan at the current gas price", async () => {
    const address = await deployer();
    const balance = await (await connection.viem.getPublicClient()).getBalance({ address });
    await connection.networkHelpers.setBalance(address, 1_000n);
    try {
      await deploy(true);
    } finally {
      await connection.networkHelpers.setBalance(address, balance);
    }
    expect(output.join("\n")).toMatch(
      /Warnings:\n(.*\n)*\s+the deployer holds 0\.000000000000001 ETH, less than the estimate's/,
    );
  });

  it("stops at a plan with errors, printing them: Base's book on this chain (another chain id, SwapRouter02)", async () => {
    const before = await nonce();
    output = [];
    await expect(
      runDeploy(connection, { network: "base", book: base, deploymentsDir, log: (line) => output.push(line) }),
    ).rejects.toThrow("2 error(s) in the plan: nothing was sent");
    expect(await nonce()).toBe(before);
    const text = output.join("\n");
    expect(text).toContain("Errors (nothing will be sent):");
    expect(text).toContain("the node at base is chain 31337, not the address book's 8453");
    expect(text).toMatch(/uniswap\.swapRouter is SwapRouter02; the vault needs SwapRouter/);
  });

  describe("the deployment", () => {
    beforeAll(async () => {
      deployed = await deploy(false);
    });

    it("deploys every contract of the plan, and the gas estimate is near what they used", async () => {
      const publicClient = await connection.viem.getPublicClient();
      const { record, plan, gas } = deployed;
      const addresses = { ...record!.contracts, ...record!.libraries } as Record<string, Address>;
      expect(Object.keys(addresses).sort()).toEqual(plan.contracts.map((c) => c.name).sort());
      for (const [name, address] of Object.entries(addresses))
        expect((await publicClient.getCode({ address }))?.length, name).toBeGreaterThan(2);
      // What each creation used, against its estimate: the node's own within 1%; one from the size is an upper bound,
      // at most 30% above.
      const created = await creations(record!.startBlock);
      for (const estimate of gas.slice(0, plan.contracts.length)) {
        const used = created.get(addresses[estimate.name]!)!.gasUsed;
        if (estimate.method === "node")
          expect(Math.abs(Number(estimate.gas - used)) / Number(used), estimate.name).toBeLessThan(0.01);
        else {
          expect(estimate.gas, estimate.name).toBeGreaterThanOrEqual(used);
          expect(Number(estimate.gas - used) / Number(used), estimate.name).toBeLessThan(0.3);
        }
      }
    });

    it("sets every registry parameter as the plan says, the file's override included", async () => {
      const registry = await connection.viem.getContractAt(
        "ParameterRegistry",
        deployed.record!.contracts.ParameterRegistry,
      );
      const keys = await registry.read.parameterKeys();
      expect(keys).toEqual(deployed.plan.parameters.map((p) => parameterKey(p.name)));
      for (const p of deployed.plan.parameters) {
        const info = await registry.read.parameter([parameterKey(p.name)]);
        expect({ value: info.value, min: info.rules.min, max: info.rules.max }, p.name).toEqual({
          value: p.value,
          min: p.rules.min,
          max: p.rules.max,
        });
      }
      expect(await registry.read.getUint([parameterKey("rebalance.bandBps")])).toBe(400n);
      expect(await registry.read.getAddress([parameterKey("feed.WETH")])).toBe(devnet.tokens.WETH.feed);
    });

    it("makes a vault that takes a deposit and rebalances in a keeper cycle", async () => {
      const [, alice] = await connection.viem.getWalletClients();
      const vault = await connection.viem.getContractAt("PortfolioVault", deployed.record!.contracts.PortfolioVault!);
      const usdc = await connection.viem.getContractAt("DevnetToken", devnet.tokens.USDC.address);
      const weth = await connection.viem.getContractAt("DevnetToken", devnet.tokens.WETH.address);
      await usdc.write.mint([alice!.account.address, parseUnits("100000", 6)]);
      await usdc.write.approve([vault.address, maxUint256], { account: alice!.account });
      await vault.write.deposit([parseUnits("100000", 6), alice!.account.address], { account: alice!.account });
      expect(await vault.read.balanceOf([alice!.account.address])).toBeGreaterThan(0n);
      // The keeper's cycle: its rebalance (the modules wait for governance to set module.collateral and module.hedge).
      const publicClient = await connection.viem.getPublicClient();
      await keeperCycle({ vault: vault.address }, async (step, target) => {
        expect([step, target]).toEqual(["rebalance", vault.address]);
        const hash = await vault.write.rebalance();
        const { status } = await publicClient.waitForTransactionReceipt({ hash });
        return { executed: status === "success", outcome: status };
      });
      expect(await weth.read.balanceOf([vault.address])).toBeGreaterThan(0n);
    });

    it("writes the record: chain id, start block, the RPC URL without its secrets, every contract", async () => {
      const file = path.join(deploymentsDir, `${network}.json`);
      const record = parseDeploymentRecord(file, await readFile(file, "utf8"));
      expect(record).toEqual(deployed.record);
      expect(record.chainId).toBe(31_337);
      expect(record.rpcUrl).toBe("https://redacted@rpc.example.org/v2/redacted");
      expect(JSON.stringify(record)).not.toMatch(/hunter2|secret|Xy0123/);
      expect(record.devnet).toEqual(devnet);
      expect(record.verification).toBe(`${network}.verify`);
      // The record keeps the devnet's part: `npm run deploy -- --network <devnet>` finds the same book in it.
      expect((await findAddressBook(network, record.chainId, deploymentsDir)).book).toEqual(book);
      const created = await creations(record.startBlock);
      expect(created.has(record.contracts.TimelockController)).toBe(true);
    });

    it("writes each contract's standard JSON input, compiler and constructor arguments, as its creation used them", async () => {
      const dir = path.join(deploymentsDir, deployed.record!.verification!);
      const names = deployed.plan.contracts.map((c) => c.name);
      expect((await readdir(dir)).sort()).toEqual(names.map((n) => `${n}.json`).sort());
      const created = await creations(deployed.record!.startBlock);
      const addresses = { ...deployed.record!.contracts, ...deployed.record!.libraries } as Record<string, Address>;
      for (const contract of deployed.plan.contracts) {
        const input = JSON.parse(await readFile(path.join(dir, `${contract.name}.json`), "utf8")) as VerificationInput;
        const artifact = await hre.artifacts.readArtifact(contract.artifact);
        const buildInfo = JSON.parse(
          await readFile((await hre.artifacts.getBuildInfoPath(artifact.buildInfoId!))!, "utf8"),
        ) as { solcLongVersion: string; input: VerificationInput["input"] };
        const [sourceName] = input.contractName.split(":");
        expect(input.contractName).toBe(`${artifact.inputSourceName}:${artifact.contractName}`);
        expect(input.input.sources[sourceName!]?.content).toBe(
          await readFile(
            path.join(
              root,
              artifact.sourceName.startsWith("contracts/")
                ? artifact.sourceName
                : path.join("node_modules", artifact.sourceName),
            ),
            "utf8",
          ),
        );
        expect(input.compilerVersion).toBe(`v${buildInfo.solcLongVersion}`);
        const { libraries, ...settings } = input.input.settings;
        expect(settings).toEqual(buildInfo.input.settings);
        expect(input.input.sources).toEqual(buildInfo.input.sources);
        // The creation transaction is the linked bytecode followed by exactly these arguments.
        const linked = Object.fromEntries(
          Object.entries(contract.libraries ?? {}).map(([lib, name]) => [lib, addresses[name]!]),
        );
        expect(Object.assign({}, ...Object.values(libraries ?? {}))).toEqual(linked);
        const creation = created.get(getAddress(input.address))!;
        const bytecode = linkBytecode(artifact as unknown as PlanArtifact, linked);
        expect(creation.input, contract.name).toBe(`${bytecode}${input.constructorArguments.slice(2)}`);
        expect(creation.input).toBe(
          encodeDeployData({
            abi: artifact.abi,
            bytecode,
            args: resolveArgs(contract.args, { ...addresses, deployer: await deployer() }),
          } as never),
        );
      }
    });

    it("has standard JSON inputs that compile, with the pinned solc, to the runtime code at each address", async () => {
      const dir = path.join(deploymentsDir, deployed.record!.verification!);
      const publicClient = await connection.viem.getPublicClient();
      // One compilation per standard JSON input (the contracts compiled together share one); the IR pipeline's
      // (the vault, the hedge, the exit plan) take minutes in solc-js and are left to the sources-and-settings check.
      const groups = new Map<string, VerificationInput[]>();
      for (const contract of deployed.plan.contracts) {
        const input = JSON.parse(await readFile(path.join(dir, `${contract.name}.json`), "utf8")) as VerificationInput;
        if (input.input.settings.viaIR) continue;
        const key = JSON.stringify(input.input.settings) + Object.keys(input.input.sources).join();
        groups.set(key, [...(groups.get(key) ?? []), input]);
      }
      expect([...groups.values()].flat().length).toBeGreaterThanOrEqual(7);
      // Read first: solc-js holds the event loop long enough for the node to drop an idle connection.
      const onChainCode = new Map<Address, string>();
      for (const { address } of [...groups.values()].flat())
        onChainCode.set(address, (await publicClient.getCode({ address }))!.slice(2));
      for (const inputs of groups.values()) {
        const { input, compilerVersion } = inputs[0]!;
        expect(`v${solc.version()}`).toContain(compilerVersion);
        const selection: Record<string, Record<string, string[]>> = {};
        for (const { contractName } of inputs) {
          const [source, name] = contractName.split(":") as [string, string];
          (selection[source] ??= {})[name] = [
            "evm.deployedBytecode.object",
            "evm.deployedBytecode.immutableReferences",
          ];
        }
        const output = JSON.parse(
          solc.compile(JSON.stringify({ ...input, settings: { ...input.settings, outputSelection: selection } })),
        ) as SolcOutput;
        expect(output.errors?.filter((e) => e.severity === "error") ?? []).toEqual([]);
        for (const { contractName, address } of inputs) {
          const [source, name] = contractName.split(":") as [string, string];
          const compiled = output.contracts[source]![name]!.evm.deployedBytecode;
          const onChain = onChainCode.get(address)!;
          // Immutables are written at deployment, and a library's code starts with PUSH20 of its own address.
          const masks = Object.values(compiled.immutableReferences).flat();
          if (onChain.startsWith("73") && compiled.object.startsWith("73" + "00".repeat(20)))
            masks.push({ start: 1, length: 20 });
          expect(mask(onChain, masks), contractName).toBe(mask(compiled.object, masks));
        }
      }
    }, 300_000);

    it("gives the subgraph its manifest for the network: every data source at the record's address and start block", async () => {
      const manifest = renderManifest(
        await readFile(path.join(subgraphDir, "subgraph.yaml"), "utf8"),
        deployed.record!,
      );
      for (const name of subgraphContracts)
        expect(manifest).toContain(
          `name: ${name}\n    network: ${network}\n    source:\n      address: "${(deployed.record!.contracts as Record<string, string>)[name]}"\n      abi: ${name}\n      startBlock: ${deployed.record!.startBlock}`,
        );
    });

    it("is a no-op when run again: nothing is sent, the addresses and start block stay", async () => {
      const before = await nonce();
      const again = await deploy(false);
      expect(await nonce()).toBe(before);
      expect(again.record).toEqual({ ...deployed.record, deployedAt: deployed.record!.deployedAt });
    });
  });

  /** Every contract creation from `fromBlock` on: its address, its transaction's input and the gas it used. */
  async function creations(fromBlock: number): Promise<Map<Address, { input: Hex; gasUsed: bigint }>> {
    const publicClient = await connection.viem.getPublicClient();
    const latest = await publicClient.getBlockNumber();
    const found = new Map<Address, { input: Hex; gasUsed: bigint }>();
    for (let n = BigInt(fromBlock); n <= latest; n++) {
      const block = await publicClient.getBlock({ blockNumber: n, includeTransactions: true });
      for (const tx of block.transactions) {
        if (tx.to !== null) continue;
        const receipt = await publicClient.getTransactionReceipt({ hash: tx.hash });
        found.set(getAddress(receipt.contractAddress!), { input: tx.input, gasUsed: receipt.gasUsed });
      }
    }
    return found;
  }
});

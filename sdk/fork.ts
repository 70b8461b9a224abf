/**
 * An in-process fork of a chain: Hardhat's EDR forking its JSON-RPC at one block, so that transactions can be sent
 * (as anyone, impersonated) and read back without touching the chain itself, which only answers reads of that block.
 * Node only, and it needs the `hardhat` package: it is imported when the first fork is made, and a clear error names
 * it when it is not installed (the packed `trimtab` leaves it out: `npm install hardhat@3.18.0` beside it, on Node 22).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startBlockStateRelay } from "./blockStateRelay.ts";
import { createPublicClient, custom, http, type EIP1193RequestFn, type Transport } from "viem";

export type ForkParameters = {
  /** The JSON-RPC URL of the chain to fork. */
  rpcUrl: string;
  /** The block to fork at: its state is the fork's start (a block number is required, so a fork is reproducible). */
  blockNumber: bigint;
};

export type Fork = {
  /** The fork's JSON-RPC as a viem transport: reads, transactions and Hardhat's test methods (impersonation…). */
  transport: Transport;
  /** The block of the forked chain the fork started from. */
  blockNumber: bigint;
  /** Closes the fork's network and removes its cache. */
  close: () => Promise<void>;
};

export type CreateForkReturnType = Fork;

/** Thrown when the `hardhat` package (whose EDR makes forks) cannot be imported. */
export class ForkUnavailableError extends Error {
  override name = "ForkUnavailableError";
  constructor(cause: unknown) {
    super(
      "the dry run forks the chain with Hardhat's EDR, and the hardhat package is not installed: " +
        "install it beside trimtab (npm install hardhat@3.18.0)",
      { cause },
    );
  }
}

type CreateRuntime = typeof import("hardhat/hre").createHardhatRuntimeEnvironment;
let hardhat: Promise<{ createHardhatRuntimeEnvironment: CreateRuntime; root: string }> | undefined;

/** Hardhat's runtime factory, imported once; and a project root for runtimes made without a project. */
function importHardhat() {
  hardhat ??= (async () => {
    try {
      const { createHardhatRuntimeEnvironment } = await import("hardhat/hre");
      // Hardhat wants an npm package as the project root: its own serves (nothing is built or written there).
      const root = path.dirname(fileURLToPath(import.meta.resolve("hardhat/package.json")));
      return { createHardhatRuntimeEnvironment, root };
    } catch (error) {
      throw new ForkUnavailableError(error);
    }
  })();
  hardhat.catch(() => (hardhat = undefined));
  return hardhat;
}

/**
 * Throws a ForkUnavailableError when forks cannot be made here (the `hardhat` package is missing): a command that
 * will fork calls it first, to fail at once rather than after its other work.
 */
export async function checkForkAvailable(): Promise<void> {
  await importHardhat();
}

/** The chains whose hardfork history EDR knows: Ethereum, Sepolia, Holesky and Hoodi. */
const knownHistories = new Set([1, 11_155_111, 17_000, 560_048]);

/** The hardfork every fork runs its new blocks with (Hardhat's latest stable one for L1 chains). */
const forkHardfork = "osaka";

/**
 * EDR executes a call on a block of the forked chain (the fork's first block included) with the hardfork that chain
 * had then, and refuses when it does not know the chain's history: for such a chain (a devnet, an L2) the history
 * given is the fork's own hardfork since block 0, close to right for recent blocks.
 */
function hardforkHistoryOf(chainId: number) {
  if (knownHistories.has(chainId)) return {};
  return { [chainId]: { name: `chain ${chainId}`, hardforkHistory: { [forkHardfork]: { blockNumber: 0 } } } };
}

/**
 * Forks the chain at `rpcUrl` at `blockNumber`, in this process. The fork's own accounts (Hardhat's default
 * mnemonic) are funded anew; every other address reads the chain's state at that block. Close it when done.
 *
 * @example
 * const fork = await createFork({ rpcUrl: "http://127.0.0.1:8545", blockNumber: 1234n });
 * try { … createPublicClient({ transport: fork.transport }) … } finally { await fork.close(); }
 */
export async function createFork({ rpcUrl, blockNumber }: ForkParameters): Promise<CreateForkReturnType> {
  const { createHardhatRuntimeEnvironment, root } = await importHardhat();
  const chainId = await createPublicClient({ transport: http(rpcUrl, { retryCount: 0 }) })
    .getChainId()
    .catch((error: unknown) => {
      throw new Error(`cannot fork the chain at ${rpcUrl}: it does not answer (${(error as Error).message})`, {
        cause: error,
      });
    });
  // EDR keeps the chain's answers on disk (in the runtime's cache folder) for blocks it deems final; a devnet
  // restarted reuses block numbers with other states: each fork caches in a fresh folder, removed when it closes.
  const cache = await mkdtemp(path.join(tmpdir(), "trimtab-fork-"));
  // The relay reports the fork's block final, so that EDR keeps the state it reads (see blockStateRelay.ts).
  const relay = await startBlockStateRelay(rpcUrl, { finalBlock: blockNumber });
  let connection: Awaited<ReturnType<Awaited<ReturnType<CreateRuntime>>["network"]["create"]>>;
  try {
    const hre = await createHardhatRuntimeEnvironment(
      { paths: { cache }, chainDescriptors: hardforkHistoryOf(chainId) },
      {},
      root,
    );
    connection = await hre.network.create({
      network: "default",
      override: { forking: { url: relay.url, blockNumber } },
    });
  } catch (error) {
    await relay.close();
    await rm(cache, { recursive: true, force: true });
    throw new Error(`cannot fork the chain at ${rpcUrl} at block ${blockNumber}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const { provider } = connection;
  return {
    transport: custom({ request: provider.request.bind(provider) as EIP1193RequestFn }),
    blockNumber,
    close: async () => {
      await connection.close();
      await relay.close();
      await rm(cache, { recursive: true, force: true });
    },
  };
}

/** Runs `fn` on a fork of the chain at `rpcUrl` at `blockNumber`, and closes the fork after, whatever happens. */
export async function withFork<T>(parameters: ForkParameters, fn: (fork: Fork) => Promise<T>): Promise<T> {
  const fork = await createFork(parameters);
  try {
    return await fn(fork);
  } finally {
    await fork.close();
  }
}

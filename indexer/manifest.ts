/**
 * A built subgraph (graph-cli's `build/` output) as the indexer runs it: each data source's contract, start block,
 * compiled mapping, ABIs and event handlers, and the schema.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { getAddress, toEventSelector, type Abi, type AbiEvent, type Address, type Hex } from "viem";
import { parse as parseYaml } from "yaml";
import { parseSchema, type SubgraphSchema } from "./schema.ts";

export type EventHandler = {
  /** As the manifest writes it: `Name(indexed address,uint256)`. */
  signature: string;
  handler: string;
  event: AbiEvent;
  topic0: Hex;
};

/**
 * When a block handler runs, as graph-node reads its manifest `filter`: on every block from the data source's start
 * block (no filter); every `every` blocks counted from the start block (`kind: polling`); or once, at the start block,
 * before the block's other triggers (`kind: once`). Other block triggers run after the block's events.
 */
export type BlockFilter = { kind: "every" } | { kind: "polling"; every: number } | { kind: "once" };

export type BlockHandler = { handler: string; filter: BlockFilter };

export type DataSource = {
  name: string;
  network: string;
  address: Address;
  startBlock: number;
  /** The compiled mapping (graph-cli writes one per mapping file; sources sharing a file share it). */
  wasm: Uint8Array;
  wasmPath: string;
  /** ABIs by name, the data source's own first. */
  abis: Map<string, Abi>;
  eventHandlers: EventHandler[];
  /** Block handlers (`blockHandlers`), in manifest order. */
  blockHandlers: BlockHandler[];
  /** Whether handlers get the transaction receipt (`receipt: true`). */
  receipt: boolean;
};

export type Subgraph = {
  dir: string;
  specVersion: string;
  schema: SubgraphSchema;
  schemaSource: string;
  dataSources: DataSource[];
};

type ManifestYaml = {
  specVersion: string;
  schema: { file: string };
  dataSources: {
    kind: string;
    name: string;
    network: string;
    source: { address: string; abi: string; startBlock?: number };
    mapping: {
      apiVersion: string;
      file: string;
      abis: { name: string; file: string }[];
      eventHandlers?: { event: string; handler: string; receipt?: boolean }[];
      blockHandlers?: { handler: string; filter?: { kind?: string; every?: unknown } }[];
      callHandlers?: unknown[];
    };
  }[];
  templates?: unknown[];
};

/** The signature graph-cli writes for an ABI event: `indexed ` before indexed inputs, tuples expanded. */
export function manifestSignature(event: AbiEvent): string {
  const type = (p: { type: string; components?: readonly { type: string; components?: unknown }[] }): string =>
    p.type.startsWith("tuple")
      ? `(${(p.components ?? []).map((c) => type(c as Parameters<typeof type>[0])).join(",")})${p.type.slice(5)}`
      : p.type;
  return `${event.name}(${event.inputs.map((p) => `${p.indexed ? "indexed " : ""}${type(p)}`).join(",")})`;
}

/**
 * Loads a graph-cli build directory (holding `subgraph.yaml`). Throws naming what the local indexer cannot run:
 * a non-Ethereum or templated source, call handlers or a block handler filtered by calls (both need traces), an
 * event missing from its ABI; and what graph-node refuses in block handlers (two with the same filter kind, a
 * polling interval that is not a positive integer).
 */
export async function loadSubgraph(buildDir: string): Promise<Subgraph> {
  const manifestPath = path.join(buildDir, "subgraph.yaml");
  const manifest = parseYaml(await readFile(manifestPath, "utf8")) as ManifestYaml;
  const schemaSource = await readFile(path.join(buildDir, manifest.schema.file), "utf8");
  if (manifest.templates?.length) throw new Error(`${manifestPath}: data source templates are not supported`);
  const dataSources: DataSource[] = [];
  for (const ds of manifest.dataSources) {
    const where = `${manifestPath}: data source ${ds.name}`;
    if (ds.kind !== "ethereum/contract" && ds.kind !== "ethereum")
      throw new Error(`${where}: kind ${ds.kind} is not supported`);
    if (ds.mapping.callHandlers?.length) {
      throw new Error(`${where}: call handlers are not supported (they need a node's traces)`);
    }
    const blockHandlers = (ds.mapping.blockHandlers ?? []).map((h) => blockHandler(h, where));
    const kinds = blockHandlers.map((h) => h.filter.kind);
    const repeated = kinds.find((kind, i) => kinds.indexOf(kind) !== i);
    if (repeated) {
      // graph-node: "data source has duplicated block handlers" (at most one of each filter kind).
      throw new Error(
        `${where}: data source has duplicated block handlers (two with ${repeated === "every" ? "no filter" : `filter kind ${repeated}`})`,
      );
    }
    const abis = new Map<string, Abi>();
    for (const abi of ds.mapping.abis) {
      abis.set(abi.name, JSON.parse(await readFile(path.join(buildDir, abi.file), "utf8")) as Abi);
    }
    const own = abis.get(ds.source.abi);
    if (!own) throw new Error(`${where}: ABI ${ds.source.abi} is not among its mapping's ABIs`);
    const events = own.filter((item): item is AbiEvent => item.type === "event");
    const eventHandlers = (ds.mapping.eventHandlers ?? []).map(({ event: signature, handler }) => {
      const event = events.find((e) => manifestSignature(e) === signature);
      if (!event) throw new Error(`${where}: event ${signature} is not in ABI ${ds.source.abi}`);
      return { signature, handler, event, topic0: toEventSelector(event) };
    });
    const wasmPath = path.join(buildDir, ds.mapping.file);
    dataSources.push({
      name: ds.name,
      network: ds.network,
      address: getAddress(ds.source.address),
      startBlock: ds.source.startBlock ?? 0,
      wasm: new Uint8Array(await readFile(wasmPath)),
      wasmPath,
      abis,
      eventHandlers,
      blockHandlers,
      receipt: (ds.mapping.eventHandlers ?? []).some((h) => h.receipt === true),
    });
  }
  return {
    dir: buildDir,
    specVersion: manifest.specVersion,
    schema: parseSchema(schemaSource),
    schemaSource,
    dataSources,
  };
}

/** A manifest block handler as the indexer runs it; throws naming the handler whose filter it cannot run. */
function blockHandler(
  entry: NonNullable<ManifestYaml["dataSources"][number]["mapping"]["blockHandlers"]>[number],
  where: string,
): BlockHandler {
  const kind = entry.filter?.kind;
  const name = `${where}: block handler ${entry.handler}`;
  if (kind === undefined) return { handler: entry.handler, filter: { kind: "every" } };
  if (kind === "once") return { handler: entry.handler, filter: { kind: "once" } };
  if (kind === "polling") {
    const every = entry.filter?.every;
    if (typeof every !== "number" || !Number.isInteger(every) || every < 1) {
      throw new Error(`${name}: a polling filter's \`every\` must be a positive integer, not ${String(every)}`);
    }
    return { handler: entry.handler, filter: { kind: "polling", every } };
  }
  if (kind === "call") throw new Error(`${name}: the call filter is not supported (it needs a node's traces)`);
  throw new Error(`${name}: unknown filter kind ${kind} (graph-node knows call, polling and once)`);
}

/** Whether a block handler with `filter` runs at block `number` of a data source starting at `startBlock`. */
export function blockHandlerRunsAt(filter: BlockFilter, number: bigint, startBlock: number): boolean {
  const start = BigInt(startBlock);
  if (number < start) return false;
  if (filter.kind === "every") return true;
  if (filter.kind === "once") return number === start;
  return (number - start) % BigInt(filter.every) === 0n;
}

/**
 * The subgraph pointed at a deployment without rebuilding (mappings do not embed addresses): each data source
 * named as a contract of `deployment.contracts` takes its address, the deployment's start block and network.
 * Throws naming a data source the deployment lacks.
 */
export function withDeployment(
  subgraph: Subgraph,
  deployment: { network: string; startBlock: number; contracts: Partial<Record<string, string>> },
): Subgraph {
  return {
    ...subgraph,
    dataSources: subgraph.dataSources.map((ds) => {
      const address = deployment.contracts[ds.name];
      if (!address) throw new Error(`the deployment on ${deployment.network} has no ${ds.name}`);
      return { ...ds, address: getAddress(address), startBlock: deployment.startBlock, network: deployment.network };
    }),
  };
}

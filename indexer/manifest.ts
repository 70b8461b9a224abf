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
      blockHandlers?: unknown[];
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
 * a non-Ethereum or templated source, block or call handlers, an event missing from its ABI.
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
    if (ds.mapping.blockHandlers?.length || ds.mapping.callHandlers?.length) {
      throw new Error(`${where}: only event handlers are supported`);
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

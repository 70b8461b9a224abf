/**
 * A JSON-RPC relay on 127.0.0.1 in front of a chain, answering again from memory what it was asked before about the
 * state at a numbered block (balance, nonce, code, storage slot, the block itself): an answer that block will always
 * give. EDR's fork asks the chain for the same account at the fork's block again for every call that touches it: it
 * keeps only the state of blocks it deems final, on disk, those 128 blocks or more below the chain's head (for a chain
 * it does not know). Given the block its forks read (`finalBlock`), the relay reports a head at least that far above
 * it, so that EDR keeps what it read and asks once: in `npm run bench:proposal`, the dry run's 12,000 requests to the
 * relay became 550, and its first fork's work 11.6 → 4.9 s. Node only.
 */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

/** The state methods whose answer is fixed once the block is named by number; the block is their last parameter. */
const stateMethods = new Set([
  "eth_getBalance",
  "eth_getTransactionCount",
  "eth_getCode",
  "eth_getStorageAt",
  "eth_getBlockByNumber",
]);

type RpcRequest = { jsonrpc?: string; id?: unknown; method?: unknown; params?: unknown };
type RpcResponse = { jsonrpc: string; id: unknown; result?: unknown; error?: unknown };

export type BlockStateRelay = {
  /** Where to send the chain's JSON-RPC instead. */
  url: string;
  /** How many requests were answered from memory, and how many went to the chain. */
  counts: { remembered: number; relayed: number };
  close: () => Promise<void>;
};

/**
 * The key `request` is remembered by: its method and parameters when it reads a state at a block given by number
 * (eth_getBlockByNumber's number is its first parameter), else undefined (asked of the chain every time).
 */
export function stateRequestKey(request: RpcRequest): string | undefined {
  if (typeof request.method !== "string" || !stateMethods.has(request.method) || !Array.isArray(request.params))
    return undefined;
  const block = request.method === "eth_getBlockByNumber" ? request.params[0] : request.params.at(-1);
  return typeof block === "string" && /^0x[0-9a-f]+$/i.test(block)
    ? `${request.method}:${JSON.stringify(request.params).toLowerCase()}`
    : undefined;
}

async function bodyOf(message: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of message) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** How far below the head EDR deems a block final, for a chain it does not know (its default safe block depth). */
export const edrFinalityDepth = 128n;

export type BlockStateRelayOptions = {
  /**
   * The block the forks behind the relay read: `eth_blockNumber` is answered with at least this block plus
   * `edrFinalityDepth` (the chain's own head when it is higher), so that EDR deems it final and keeps its state.
   */
  finalBlock?: bigint;
};

/** Starts a relay to the chain at `upstreamUrl` on a free port of 127.0.0.1; close it when done. */
export async function startBlockStateRelay(
  upstreamUrl: string,
  options: BlockStateRelayOptions = {},
): Promise<BlockStateRelay> {
  const remembered = new Map<string, unknown>();
  const counts = { remembered: 0, relayed: 0 };
  const head = options.finalBlock === undefined ? undefined : options.finalBlock + edrFinalityDepth;

  /** The chain's answer to `requests` (as `body`), its head raised to `head` where asked for. */
  const relay = async (body: string, requests: RpcRequest[]) => {
    const answer = await fetch(upstreamUrl, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
    });
    const text = await answer.text();
    const asksHead = head !== undefined && requests.some((r) => r && r.method === "eth_blockNumber");
    return { ok: answer.ok, status: answer.status, text: asksHead && answer.ok ? raiseHead(text, requests) : text };
  };

  /** `text` (the chain's answers to `requests`) with each `eth_blockNumber` result at least `head`. */
  const raiseHead = (text: string, requests: RpcRequest[]) => {
    let parsed: RpcResponse | RpcResponse[];
    try {
      parsed = JSON.parse(text) as RpcResponse | RpcResponse[];
    } catch {
      return text; // not JSON-RPC: passed on as it came
    }
    for (const answer of Array.isArray(parsed) ? parsed : [parsed]) {
      const request = requests.find((r) => r && r.id === answer.id);
      if (request?.method === "eth_blockNumber" && typeof answer.result === "string" && BigInt(answer.result) < head!)
        answer.result = `0x${head!.toString(16)}`;
    }
    return JSON.stringify(parsed);
  };

  const server = createServer((request, response) => {
    void (async () => {
      const body = await bodyOf(request);
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        parsed = undefined;
      }
      const requests = Array.isArray(parsed) ? (parsed as RpcRequest[]) : [parsed as RpcRequest];
      const keys = requests.map((r) => (r && typeof r === "object" ? stateRequestKey(r) : undefined));
      const missing = requests.filter((_, i) => keys[i] === undefined || !remembered.has(keys[i]));
      if (parsed === undefined || missing.length === requests.length) {
        // Nothing to answer from memory: the chain answers, as it would have.
        counts.relayed += requests.length;
        const { ok, status, text } = await relay(body, requests);
        if (ok) remember(requests, keys, text);
        response.writeHead(status, { "content-type": "application/json" }).end(text);
        return;
      }
      counts.remembered += requests.length - missing.length;
      counts.relayed += missing.length;
      const answers = new Map<unknown, RpcResponse>();
      if (missing.length > 0) {
        const { text } = await relay(JSON.stringify(missing), missing);
        remember(missing, missing.map(stateRequestKey), text);
        for (const a of JSON.parse(text) as RpcResponse[]) answers.set(a.id, a);
      }
      const merged = requests.map((r, i) => {
        const key = keys[i];
        return key !== undefined && remembered.has(key) && !answers.has(r.id)
          ? { jsonrpc: "2.0", id: r.id, result: remembered.get(key) }
          : answers.get(r.id);
      });
      response
        .writeHead(200, { "content-type": "application/json" })
        .end(JSON.stringify(Array.isArray(parsed) ? merged : merged[0]));
    })().catch((error: unknown) => {
      const message = `the chain at ${upstreamUrl} does not answer (${(error as Error).message})`;
      response
        .writeHead(502, { "content-type": "application/json" })
        .end(JSON.stringify({ jsonrpc: "2.0", id: null, error: { code: -32603, message } }));
    });
  });

  /** Keeps the results (never the errors) of the state requests among `requests`, answered by `text`. */
  function remember(requests: RpcRequest[], keys: (string | undefined)[], text: string) {
    let answers: unknown;
    try {
      answers = JSON.parse(text);
    } catch {
      return;
    }
    const list = (Array.isArray(answers) ? answers : [answers]) as RpcResponse[];
    requests.forEach((request, i) => {
      const key = keys[i];
      const answer = list.find((a) => a && a.id === request.id);
      if (key !== undefined && answer && answer.error === undefined && "result" in answer)
        remembered.set(key, answer.result);
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    counts,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

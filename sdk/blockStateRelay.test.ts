import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { edrFinalityDepth, startBlockStateRelay, stateRequestKey, type BlockStateRelay } from "./blockStateRelay.ts";

type Request = { jsonrpc: "2.0"; id: number; method: string; params: unknown[] };

/** A chain that answers every request with a fresh number (storage slot 0xbad: an error), and records what it was asked. */
function fakeChain() {
  const asked: string[] = [];
  let answers = 0;
  const answer = (r: Request) =>
    r.method === "eth_getStorageAt" && r.params[1] === "0xbad"
      ? { jsonrpc: "2.0", id: r.id, error: { code: -32000, message: "no" } }
      : { jsonrpc: "2.0", id: r.id, result: `0x${(++answers).toString(16)}` };
  const server = createServer(async (request, response) => {
    let body = "";
    for await (const chunk of request) body += String(chunk);
    const parsed = JSON.parse(body) as Request | Request[];
    for (const r of Array.isArray(parsed) ? parsed : [parsed]) asked.push(r.method);
    const out = Array.isArray(parsed) ? parsed.map(answer) : answer(parsed);
    response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(out));
  });
  return { server, asked };
}

const call = async (url: string, body: unknown) =>
  (await (
    await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })
  ).json()) as { id: number; result?: string; error?: unknown } | { id: number; result?: string }[];

const balanceAt = (id: number, block: string): Request => ({
  jsonrpc: "2.0",
  id,
  method: "eth_getBalance",
  params: ["0x00000000000000000000000000000000000000a1", block],
});

describe("the relay in front of a forked chain", () => {
  let chain: ReturnType<typeof fakeChain>;
  let relay: BlockStateRelay;
  beforeAll(async () => {
    chain = fakeChain();
    await new Promise<void>((resolve) => (chain.server as Server).listen(0, "127.0.0.1", resolve));
    relay = await startBlockStateRelay(`http://127.0.0.1:${(chain.server.address() as AddressInfo).port}`);
  });
  afterAll(async () => {
    await relay.close();
    chain.server.close();
  });

  it("remembers a state read at a numbered block: the chain is asked once, and the answer is the same", async () => {
    const first = await call(relay.url, balanceAt(1, "0x10"));
    const again = await call(relay.url, balanceAt(2, "0x10"));
    expect(again).toEqual({ jsonrpc: "2.0", id: 2, result: (first as { result: string }).result });
    expect(chain.asked.filter((m) => m === "eth_getBalance")).toHaveLength(1);
  });

  it("asks the chain every time about the latest block, and about anything but a state", async () => {
    chain.asked.length = 0;
    await call(relay.url, balanceAt(3, "latest"));
    await call(relay.url, balanceAt(4, "latest"));
    await call(relay.url, { jsonrpc: "2.0", id: 5, method: "eth_blockNumber", params: [] });
    await call(relay.url, { jsonrpc: "2.0", id: 6, method: "eth_blockNumber", params: [] });
    expect(chain.asked).toEqual(["eth_getBalance", "eth_getBalance", "eth_blockNumber", "eth_blockNumber"]);
  });

  it("answers a batch in its order, from memory where it can and from the chain for the rest", async () => {
    chain.asked.length = 0;
    const remembered = (await call(relay.url, balanceAt(7, "0x10"))) as { result: string };
    const batch = await call(relay.url, [
      { jsonrpc: "2.0", id: 8, method: "eth_getCode", params: ["0x00000000000000000000000000000000000000a1", "0x10"] },
      balanceAt(9, "0x10"),
      { jsonrpc: "2.0", id: 10, method: "eth_chainId", params: [] },
    ]);
    expect((batch as { id: number }[]).map((a) => a.id)).toEqual([8, 9, 10]);
    expect((batch as { result?: string }[])[1]!.result).toBe(remembered.result);
    expect(chain.asked).toEqual(["eth_getCode", "eth_chainId"]);
    expect(relay.counts.remembered).toBeGreaterThanOrEqual(3);
  });

  it("knows a state read by its block's number, whatever the block's parameter position", () => {
    expect(stateRequestKey({ method: "eth_getStorageAt", params: ["0xa1", "0x0", "0x10"] })).toBeDefined();
    expect(stateRequestKey({ method: "eth_getStorageAt", params: ["0xa1", "0x0", "pending"] })).toBeUndefined();
    expect(stateRequestKey({ method: "eth_getBlockByNumber", params: ["0x10", false] })).toBeDefined();
    expect(stateRequestKey({ method: "eth_call", params: [{}, "0x10"] })).toBeUndefined();
  });

  it("does not remember an error", async () => {
    chain.asked.length = 0;
    const bad = (id: number) => ({ jsonrpc: "2.0", id, method: "eth_getStorageAt", params: ["0xa1", "0xbad", "0x10"] });
    expect(await call(relay.url, bad(11))).toMatchObject({ error: { message: "no" } });
    await call(relay.url, bad(12));
    expect(chain.asked).toEqual(["eth_getStorageAt", "eth_getStorageAt"]);
  });
});

describe("a relay whose forks read one block", () => {
  let chain: ReturnType<typeof fakeChain>;
  let relay: BlockStateRelay;
  const url = () => `http://127.0.0.1:${(chain.server.address() as AddressInfo).port}`;
  beforeAll(async () => {
    chain = fakeChain();
    await new Promise<void>((resolve) => (chain.server as Server).listen(0, "127.0.0.1", resolve));
    relay = await startBlockStateRelay(url(), { finalBlock: 0x200n });
  });
  afterAll(async () => {
    await relay.close();
    chain.server.close();
  });

  const blockNumber = (id: number): Request => ({ jsonrpc: "2.0", id, method: "eth_blockNumber", params: [] });

  it("reports a head at least EDR's finality depth above it, so that EDR deems the block final and keeps its state", async () => {
    const head = `0x${(0x200n + edrFinalityDepth).toString(16)}`;
    expect(await call(relay.url, blockNumber(1))).toEqual({ jsonrpc: "2.0", id: 1, result: head });
    // In a batch, beside a state read: only the head is raised.
    const batch = (await call(relay.url, [blockNumber(2), balanceAt(3, "0x10")])) as { id: number; result: string }[];
    expect(batch[0]).toEqual({ jsonrpc: "2.0", id: 2, result: head });
    expect(BigInt(batch[1]!.result)).toBeLessThan(0x100n);
  });

  it("passes the chain's own head on when it is higher", async () => {
    const ahead = await startBlockStateRelay(url(), { finalBlock: 0n });
    try {
      // The fake chain's answers count up: past 128 requests, its head is above 0 + 128.
      for (let i = 0; i < 130; i++) await call(url(), balanceAt(100 + i, "latest"));
      const answer = (await call(ahead.url, blockNumber(4))) as { result: string };
      expect(BigInt(answer.result)).toBeGreaterThan(edrFinalityDepth);
    } finally {
      await ahead.close();
    }
  });
});

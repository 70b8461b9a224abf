import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkChain, localRpcUrl, rpcUrlFor } from "./rpc.ts";

/** A JSON-RPC endpoint that answers eth_chainId with 31337, as a Hardhat node does. */
function chainIdServer(): Promise<Server> {
  const server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      const { id, method } = JSON.parse(body) as { id: number; method: string };
      response.setHeader("content-type", "application/json");
      response.end(
        JSON.stringify(
          method === "eth_chainId"
            ? { jsonrpc: "2.0", id, result: "0x7a69" }
            : { jsonrpc: "2.0", id, error: { code: -32601, message: "method not found" } },
        ),
      );
    });
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

const urlOf = (server: Server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

describe("Reaching a deployment's chain", () => {
  let node: Server;
  let closedUrl: string;
  beforeAll(async () => {
    node = await chainIdServer();
    const closed = await chainIdServer();
    closedUrl = urlOf(closed);
    await new Promise((resolve) => closed.close(resolve));
  });
  afterAll(() => new Promise((resolve) => node.close(resolve)));

  it("uses the URL given, else the deployment record's, else a local node's", () => {
    expect(rpcUrlFor({ rpcUrl: "http://127.0.0.1:8645" }, "http://10.0.0.1:8545")).toBe("http://10.0.0.1:8545");
    expect(rpcUrlFor({ rpcUrl: "http://127.0.0.1:8645" })).toBe("http://127.0.0.1:8645");
    expect(rpcUrlFor({})).toBe(localRpcUrl);
  });

  it("passes when the chain answers with the record's chain id", async () => {
    await expect(
      checkChain(urlOf(node), { chainId: 31_337 }, "deployments/localhost.json", "--rpc <url>"),
    ).resolves.toBe(undefined);
  });

  it("names the URL, the record and the flag in one line when nothing answers", async () => {
    await expect(
      checkChain(closedUrl, { chainId: 31_337 }, "deployments/localhost.json", "--rpc <url>"),
    ).rejects.toThrow(
      new Error(
        `cannot reach a chain at ${closedUrl} (the chain of deployments/localhost.json): is it running? Set another with --rpc <url>`,
      ),
    );
  });

  it("refuses another chain than the record's", async () => {
    await expect(checkChain(urlOf(node), { chainId: 1 }, "deployments/mainnet.json", "--rpc <url>")).rejects.toThrow(
      `the chain at ${urlOf(node)} has chain id 31337, but deployments/mainnet.json is a deployment on chain 1: set its chain with --rpc <url>`,
    );
  });
});

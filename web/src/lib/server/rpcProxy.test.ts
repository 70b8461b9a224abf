import { describe, expect, it } from "vitest";
import { methodNotFoundCode, parseRpcBody, routeRpcBody } from "./rpcProxy.ts";

describe("the browser's RPC relay", () => {
  it("passes reads and signed transactions, one or in a batch", () => {
    const read = { jsonrpc: "2.0", id: 1, method: "eth_call", params: [] };
    const send = { jsonrpc: "2.0", id: 2, method: "eth_sendRawTransaction", params: ["0x00"] };
    expect(parseRpcBody(read)).toEqual([read]);
    expect(parseRpcBody([read, send])).toEqual([read, send]);
  });

  it("refuses what would use the node's unlocked accounts or its controls, naming the method", () => {
    for (const method of [
      "eth_sendTransaction",
      "eth_sign",
      "eth_signTypedData_v4",
      "evm_revert",
      "hardhat_setBalance",
    ])
      expect(parseRpcBody({ jsonrpc: "2.0", id: 1, method })).toBe(
        `method ${method} is not available through this server`,
      );
    expect(
      parseRpcBody([
        { jsonrpc: "2.0", id: 1, method: "eth_call" },
        { id: 2, method: "evm_mine" },
      ]),
    ).toBe("method evm_mine is not available through this server");
  });

  it("refuses malformed bodies", () => {
    expect(parseRpcBody([])).toBe("a batch holds 1 to 100 requests");
    expect(parseRpcBody({ id: 1 })).toBe("each request needs a method");
    expect(parseRpcBody(null)).toBe("each request needs a method");
  });

  it("answers a method it does not offer as a node does, a JSON-RPC error, and forwards the rest of a batch", () => {
    // viem's wallet client asks for eth_fillTransaction first, and falls back to separate estimates on this answer.
    const fill = { jsonrpc: "2.0", id: 7, method: "eth_fillTransaction", params: [{}] };
    const read = { jsonrpc: "2.0", id: 8, method: "eth_call", params: [] };
    const refusal = {
      jsonrpc: "2.0",
      id: 7,
      error: { code: methodNotFoundCode, message: "method eth_fillTransaction is not available through this server" },
    };
    expect(methodNotFoundCode).toBe(-32601);
    expect(routeRpcBody(fill)).toEqual({ batch: false, forward: [], refused: [refusal] });
    expect(routeRpcBody([fill, read])).toEqual({ batch: true, forward: [read], refused: [refusal] });
    expect(routeRpcBody([])).toBe("a batch holds 1 to 100 requests");
  });
});

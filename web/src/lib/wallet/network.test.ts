import { describe, expect, it } from "vitest";
import { connectionProblem } from "./network.ts";

const devnet = { name: "localhost", chainId: 31_337 };

describe("whether a wallet can act on Trimtab's chain", () => {
  it("asks for a wallet when none is connected", () => {
    expect(connectionProblem(undefined, devnet)).toBe("Connect a wallet first.");
  });

  it("names both chains when the wallet is on another one", () => {
    expect(connectionProblem({ chainId: 1 }, devnet)).toBe(
      "Your wallet is on chain 1; Trimtab here runs on localhost (chain 31337). Switch networks in your wallet.",
    );
  });

  it("lets a wallet on the right chain act", () => {
    expect(connectionProblem({ chainId: 31_337 }, devnet)).toBeUndefined();
  });
});

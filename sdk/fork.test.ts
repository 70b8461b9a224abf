import { describe, expect, it, vi } from "vitest";
import { checkForkAvailable, createFork, ForkUnavailableError } from "./fork.ts";

// As in the packed trimtab, installed without its devDependencies: no hardhat to import.
vi.mock("hardhat/hre", () => {
  throw new Error("Cannot find package 'hardhat' imported from dist/trimtab.js");
});

describe("a fork where the hardhat package is not installed", () => {
  it("is refused with an error naming the package and how to install it", async () => {
    await expect(checkForkAvailable()).rejects.toThrow(ForkUnavailableError);
    await expect(createFork({ rpcUrl: "http://127.0.0.1:1", blockNumber: 1n })).rejects.toThrow(
      "the dry run forks the chain with Hardhat's EDR, and the hardhat package is not installed: " +
        "install it beside trimtab (npm install hardhat@3.18.0)",
    );
  });
});

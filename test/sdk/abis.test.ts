import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { contractAbisFile, renderContractAbis } from "../../scripts/codegen/contractAbis.ts";
import { stackAbi } from "../../sdk/proposal/abis.ts";

describe("generated ABIs", () => {
  it("sdk/abis/contracts.ts is what the current build generates (run npm run codegen after changing a contract)", async () => {
    expect(await readFile(contractAbisFile, "utf8")).toBe(renderContractAbis());
  });

  it("the stack's ABI holds each event, error and function once, enough to decode what a proposal's calls produce", () => {
    const signatures = stackAbi.map((item) =>
      JSON.stringify([item.type, "name" in item ? item.name : "", "inputs" in item ? item.inputs : []]),
    );
    expect(new Set(signatures).size).toBe(signatures.length);
    const names = new Set(stackAbi.map((item) => ("name" in item ? `${item.type} ${item.name}` : item.type)));
    for (const name of [
      "event ParameterSet",
      "error ParameterStepTooLarge",
      "event CallExecuted",
      "error VaultOracleStale",
      "function castVote",
    ]) {
      expect(names, name).toContain(name);
    }
  });
});

import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readDeployParameters } from "../../scripts/deploy.ts";

async function file(content: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), "trimtab-params-"));
  const target = path.join(dir, "sepolia.json");
  await writeFile(target, content);
  return target;
}

describe("deployment parameters file", () => {
  it("reads addresses and whole numbers", async () => {
    const f = await file(
      JSON.stringify({ registryGuardian: "0x5FbDB2315678afecb367f032d93F642f64180aa3", votingPeriodSeconds: "604800" }),
    );
    expect(await readDeployParameters(f)).toEqual({
      governance: { registryGuardian: "0x5FbDB2315678afecb367f032d93F642f64180aa3", votingPeriodSeconds: 604_800n },
    });
  });

  it.each([
    ['{"registryGuardian": "0x123"}', /sepolia.json: registryGuardian must be an address/],
    ['{"votingPeriodSeconds": 604800}', /sepolia.json: votingPeriodSeconds must be a whole number written as a string/],
    ['{"votingPeriodSeconds": "7d"}', /votingPeriodSeconds must be a whole number/],
    ['{"quorum": "4"}', /sepolia.json: unknown parameter "quorum"/],
    ["[1]", /sepolia.json: expected a JSON object/],
    ["{", /sepolia.json: .*JSON/],
  ])("refuses %s with an error naming the file and key", async (content, message) => {
    await expect(readDeployParameters(await file(content))).rejects.toThrow(message);
  });
});

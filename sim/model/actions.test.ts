import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { CollateralAction, HedgeAction } from "./actions.ts";

const root = path.resolve(import.meta.dirname, "..", "..");

/** A Solidity enum's members, in order, from the contract's source. */
async function solidityEnum(file: string, name: string): Promise<string[]> {
  const source = await readFile(path.join(root, file), "utf8");
  const body = new RegExp(`enum ${name} \\{([^}]*)\\}`).exec(source)?.[1];
  if (body === undefined) throw new Error(`${file} declares no enum ${name}`);
  return body.split(",").map((member) => member.trim());
}

describe("the modules' action codes", () => {
  it("are the contracts' CollateralAction and HedgeAction enums, member for member", async () => {
    expect(Object.entries(CollateralAction)).toEqual(
      (await solidityEnum("contracts/vault/interfaces/ICollateralManager.sol", "CollateralAction")).map((m, i) => [
        m,
        i,
      ]),
    );
    expect(Object.entries(HedgeAction)).toEqual(
      (await solidityEnum("contracts/vault/interfaces/IHedgeModule.sol", "HedgeAction")).map((m, i) => [m, i]),
    );
  });
});

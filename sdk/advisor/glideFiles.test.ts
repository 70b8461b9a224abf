import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { devnetStartPoint } from "../../devnet/startPoint.ts";
import { checkProposal, type RegistrySnapshot } from "../proposal/check.ts";
import { loadProposal } from "../proposal/load.ts";
import { parseProposal } from "../proposal/proposalFile.ts";
import { devnetCatalogSnapshot } from "../proposal/registry.ts";
import { advisorResultFixture as result } from "./advisorResult.fixture.ts";
import { glideFileOf, glideFiles, pointTarget } from "./glideFiles.ts";
import { glidePath, type GlideStep } from "./glidePath.ts";

const now = 1_800_000_000;
const snapshot = devnetCatalogSnapshot(now);
const { params, setup } = devnetStartPoint();
const point = result.evaluated.find((p) => p.id === 3)!;
const target = pointTarget(point, snapshot);
const steps = glidePath(snapshot, target, { params, setup });
const files = glideFiles(result, point, steps, snapshot);

/** The registry once `step` has executed: its values set, governance's baselines moved to its execution. */
function after(at: RegistrySnapshot, step: GlideStep, next?: GlideStep): RegistrySnapshot {
  const parameters = { ...at.parameters };
  for (const [name, value] of Object.entries(step.changes))
    parameters[name] = {
      ...parameters[name]!,
      value,
      updatedAtSeconds: step.earliestExecutionSeconds,
      governanceBaseline: { value, updatedAtSeconds: step.earliestExecutionSeconds },
    };
  return { ...at, parameters, earliestExecutionSeconds: next?.earliestExecutionSeconds ?? at.earliestExecutionSeconds };
}

describe("pointTarget", () => {
  it("is the point's searched values, with the base asset's weight the remainder of the others", () => {
    expect(target).toEqual({
      "weight.WETH": 6_000n,
      "weight.WBTC": 500n,
      "weight.USDC": 3_500n,
      "rebalance.bandBps": 1_000n,
      "collateral.targetLtvBps": 4_000n,
      "hedge.ratioBps": 3_000n,
    });
  });
});

describe("glideFiles", () => {
  it("names one file per step, in order", () => {
    expect(steps).toHaveLength(2);
    expect(files.map((f) => f.name)).toEqual(["01-advisor-point-3.yaml", "02-advisor-point-3.yaml"]);
  });

  it("names files the point they lead to can be read back from", () => {
    expect(files.map((f) => glideFileOf(f.name))).toEqual([3, 3]);
    expect(glideFileOf("reweight.yaml")).toBeUndefined();
  });

  it("writes each step's changes in the units `trimtab proposal new` writes", () => {
    expect(parseProposal(files[0]!.name, files[0]!.text).changes).toEqual({
      "weight.USDC": "37.5%",
      "weight.WETH": "50%",
      "weight.WBTC": "12.5%",
      "rebalance.bandBps": "7.5%",
      "collateral.targetLtvBps": "35%",
      "hedge.ratioBps": "40%",
    });
  });

  it("says in the body which point it leads to, its metrics against the current set, its robustness, the step and when it can execute", () => {
    const [first, second] = files.map((f) => parseProposal(f.name, f.text));
    expect(first!.title).toBe("Advisor point 3, step 1 of 2");
    expect(first!.body).toContain("Step 1 of 2 of the glide path to the strategy advisor's point 3");
    expect(first!.body).toContain("- expected return: 5.00% (the current set: 3.00%)");
    expect(first!.body).toContain("- CVaR 95: 18.00% (the current set: 20.00%)");
    expect(first!.body).toContain("- breaking drop: 42.00% (the current set: 50.00%)");
    expect(first!.body).toContain(
      "Robustness against the current set: better: beats the current set beyond Monte Carlo error on the search's paths.",
    );
    expect(first!.body).toContain("Earliest execution: 2027-01-21T08:00:00Z (UTC;");
    expect(first!.body).not.toContain("Submit once");
    expect(second!.body).toContain("Earliest execution: 2027-01-22T08:00:00Z (UTC;");
    expect(second!.body).toContain("Submit once step 1 has executed.");
  });

  it("writes a first step that passes `trimtab proposal check` against the registry it starts from", async () => {
    const folder = await mkdtemp(path.join(tmpdir(), "glide-"));
    const file = path.join(folder, files[0]!.name);
    await writeFile(file, files[0]!.text);
    const checked = checkProposal(file, await loadProposal(file), snapshot);
    // It may warn (a riskier move the guardian could undo), never fail.
    expect(checked.checks.filter((c) => c.status === "fail")).toEqual([]);
    expect(checked.verdict).not.toBe("FAIL");
  });

  it("writes each later step so that it passes the checks once the step before has executed", () => {
    let registry = snapshot;
    for (const [i, step] of steps.entries()) {
      const checked = checkProposal(files[i]!.name, parseProposal(files[i]!.name, files[i]!.text), registry);
      expect(
        checked.checks.filter((c) => c.status === "fail"),
        `step ${i + 1}`,
      ).toEqual([]);
      registry = after(registry, step, steps[i + 1]);
    }
  });

  it("writes no file when the point's values are already in force", () => {
    expect(
      glideFiles(result, result.current, glidePath(snapshot, pointTarget(result.current, snapshot)), snapshot),
    ).toEqual([]);
  });
});

import { mkdtemp, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { encodeFunctionData, getAddress, keccak256, parseAbi, stringToHex, type Address, type Hex } from "viem";
import { parameterRegistryAbi, timelockControllerAbi, trimtabGovernorAbi } from "../abis/contracts.ts";
import { parameterKey } from "../../parameters/parameterKey.ts";
import { describe, expect, it } from "vitest";
import { devnetMarketModel, devnetStartPoint } from "../../devnet/startPoint.ts";
import { proposalActions } from "./actions.ts";
import { checkProposal, verdictOf, type RegistrySnapshot } from "./check.ts";
import { impactRequest } from "./deployed.ts";
import { decodeOnchainProposal } from "./onchain.ts";
import { proposalSeeds } from "./seed.ts";
import { changeChecks, proposalWideChecks } from "./checks/index.ts";
import { parseProposal, type ProposalDraft } from "./proposalFile.ts";
import { loadProposal } from "./load.ts";
import { devnetCatalogSnapshot } from "./registry.ts";

const day = 86_400;
const now = 1_800_000_000;
/** The catalog's first values, last changed 60 days ago; a proposal could execute in 6 days. */
const snapshot: RegistrySnapshot = devnetCatalogSnapshot(now);
/** A body that states `changes` in the table of changes the description check compares with the calldata. */
const describing = (changes: ProposalDraft["changes"]) =>
  ["b", "", "| Parameter | Current | Proposed |", "|---|---|---|"]
    .concat(Object.entries(changes).map(([name, value]) => `| \`${name}\` | | ${String(value)} |`))
    .join("\n");
const draft = (changes: ProposalDraft["changes"]): ProposalDraft => ({
  title: "t",
  body: describing(changes),
  changes,
  calls: [],
  simulation: {},
});
const failures = (changes: ProposalDraft["changes"], at: RegistrySnapshot = snapshot) =>
  checkProposal("p.yaml", draft(changes), at).checks.filter((c) => c.status !== "pass");

describe("Proposal files", () => {
  it("read title, body, changes, calls and simulation settings, and name the file and field of any error", () => {
    const proposal = parseProposal(
      "proposals/x.yaml",
      'title: Band\nbody: "Why"\nchanges:\n  rebalance.bandBps: 4%\ncalls:\n  - target: "0x00000000000000000000000000000000000000aa"\n    data: "0x1234"\nsimulation:\n  paths: 500\n',
    );
    expect(proposal.changes).toEqual({ "rebalance.bandBps": "4%" });
    expect(proposal.calls).toEqual([
      { target: "0x00000000000000000000000000000000000000aa", data: "0x1234", value: 0n },
    ]);
    expect(proposal.simulation).toEqual({ paths: 500 });
    const fails = (text: string) => () => parseProposal("proposals/x.yaml", text);
    expect(fails("title: [unclosed")).toThrow(/^proposals\/x.yaml: is not valid YAML: /);
    expect(fails("title: t\nbody: b\nchange:\n  a: 1")).toThrow(
      "proposals/x.yaml: change: is not a proposal field (expected title, body, changes, calls, permissions, simulation)",
    );
    expect(fails("title: t\nchanges:\n  rebalance.bandBps: 4%")).toThrow(
      "proposals/x.yaml: body: must be markdown text (or a body.md beside it)",
    );
    expect(fails("title: t\nbody: b\nchanges:\n  rebalance.bandBps: [4]")).toThrow(
      'proposals/x.yaml: changes."rebalance.bandBps": must be a value such as "2.5%", "6h" or true, got [4]',
    );
    expect(fails('title: t\nbody: b\ncalls:\n  - target: "0x12"\n    data: "0x"')).toThrow(
      "proposals/x.yaml: calls[0].target: must be an address",
    );
    expect(fails("title: t\nbody: b")).toThrow(
      "proposals/x.yaml: changes: a proposal must change at least one parameter or make one call",
    );
    expect(fails("title: t\nbody: b\nchanges:\n  fees.managementBps: 1%\nsimulation:\n  paths: many")).toThrow(
      "proposals/x.yaml: simulation.paths: must be a whole number",
    );
  });

  it("refuse simulation settings the simulation would refuse, naming the file and the field", () => {
    const withSimulation = (settings: string) => () =>
      parseProposal(
        "proposals/x.yaml",
        `title: t\nbody: b\nchanges:\n  fees.managementBps: 1%\nsimulation:\n${settings}`,
      );
    const refused: [settings: string, error: string][] = [
      ["  paths: -5", "simulation.paths: must be a whole number from 1 to 1,000,000, got -5"],
      ["  steps: 0", "simulation.steps: must be a whole number from 1 to 3,650, got 0"],
      ["  seed: 1.5", "simulation.seed: must be a whole number"],
      [
        "  stress: [crash, meteor]",
        'simulation.stress[1]: "meteor" is not a stress scenario (expected one of crash, vol-spike, usdc-depeg, rate-spike)',
      ],
      ["  stress: crash", "simulation.stress: must be a list of scenario names"],
      // Each within its range, but together more NAV points than a run keeps.
      [
        "  paths: 1000000\n  steps: 3650",
        "simulation: paths × (steps + 1) = 3,651,000,000 NAV points per parameter set is more than",
      ],
    ];
    for (const [settings, error] of refused)
      expect(withSimulation(settings), settings).toThrow(`proposals/x.yaml: ${error}`);
    expect(withSimulation("  paths: 1000\n  steps: 730\n  seed: -3\n  stress: [crash, usdc-depeg]")()).toMatchObject({
      simulation: { paths: 1000, steps: 730, seed: -3, stress: ["crash", "usdc-depeg"] },
    });
  });

  it("read the market's drift as zero, fitted, a yearly percentage or one per asset, naming the field of a bad one", () => {
    const withDrift = (drift: string) => () =>
      parseProposal(
        "proposals/x.yaml",
        `title: t\nbody: b\nchanges:\n  fees.managementBps: 1%\nsimulation:\n  drift: ${drift}`,
      ).simulation.drift;
    expect(withDrift("zero")()).toBe("zero");
    expect(withDrift("fitted")()).toBe("fitted");
    expect(withDrift("8%")()).toBe(0.08);
    expect(withDrift('"-30% a year"')()).toBe(-0.3);
    expect(withDrift("0")()).toBe("zero");
    expect(withDrift("{ WETH: fitted, WBTC: -10% }")()).toEqual({ WETH: "fitted", WBTC: -0.1 });
    const refused: [drift: string, error: string][] = [
      ["up", 'simulation.drift: must be zero, fitted or a yearly percentage such as "8%" or "-30%", got "up"'],
      [
        "8",
        'simulation.drift: must be zero, fitted or a yearly percentage such as "8%" or "-30%": 8 is not a percentage (write "8%")',
      ],
      ["900%", "simulation.drift: must be a yearly drift from -200% to +200%, got 900%"],
      [
        "{ WETH: lots }",
        'simulation.drift.WETH: must be zero, fitted or a yearly percentage such as "8%" or "-30%", got "lots"',
      ],
      ["{}", "simulation.drift: must name at least one asset"],
      ["[zero]", 'simulation.drift: must be zero, fitted or a yearly percentage such as "8%" or "-30%", got ["zero"]'],
    ];
    for (const [drift, error] of refused) expect(withDrift(drift), drift).toThrow(`proposals/x.yaml: ${error}`);
  });

  it("read the risk-free rate of Sharpe and Sortino as a yearly percentage, naming the field of a bad one", () => {
    const withRiskFree = (rate: string) => () =>
      parseProposal(
        "proposals/x.yaml",
        `title: t\nbody: b\nchanges:\n  fees.managementBps: 1%\nsimulation:\n  riskFree: ${rate}`,
      ).simulation.riskFree;
    expect(withRiskFree("4%")()).toBe(0.04);
    expect(withRiskFree('"3.5%"')()).toBe(0.035);
    expect(withRiskFree("0")()).toBe(0);
    const refused: [rate: string, error: string][] = [
      ["4", 'simulation.riskFree: must be a yearly percentage such as "4%": 4 is not a percentage (write "4%")'],
      ["lots", 'simulation.riskFree: must be a yearly percentage such as "4%", got "lots"'],
      ["80%", "simulation.riskFree: must be a yearly rate from -5% to 50%, got 80%"],
    ];
    for (const [rate, error] of refused) expect(withRiskFree(rate), rate).toThrow(`proposals/x.yaml: ${error}`);
  });

  it("read the market model, the adaptive cap, the pool–oracle gap and the comparison's paths, naming the field of a bad one", () => {
    const withSettings = (settings: string) => () =>
      parseProposal(
        "proposals/x.yaml",
        `title: t\nbody: b\nchanges:\n  fees.managementBps: 1%\nsimulation:\n${settings}`,
      ).simulation;
    expect(
      withSettings(
        "  marketModel: garch\n  maxPaths: 4000\n  poolGap: { arbitrage-band: 25 bps }\n  uncertaintyPaths: 300",
      )(),
    ).toEqual({
      marketModel: "garch",
      maxPaths: 4_000,
      poolGap: { kind: "arbitrageBand", thresholdBps: 25 },
      uncertaintyPaths: 300,
    });
    expect(withSettings("  poolGap: arbitrage-band")()).toEqual({
      poolGap: { kind: "arbitrageBand", thresholdBps: 10 },
    });
    expect(withSettings("  poolGap: aligned")()).toEqual({ poolGap: { kind: "aligned" } });
    const refused: [settings: string, error: string][] = [
      [
        "  marketModel: heston",
        'simulation.marketModel: must be one of "gbm", "student-t", "garch", "regimes", got "heston"',
      ],
      ["  maxPaths: 1000", "simulation.maxPaths: must be at least the paths asked for (2000), got 1000"],
      ["  paths: 500\n  maxPaths: 400", "simulation.maxPaths: must be at least the paths asked for (500), got 400"],
      ["  maxPaths: lots", 'simulation.maxPaths: must be a whole number of paths from 1 to 1,000,000, got "lots"'],
      ["  steps: 3650\n  maxPaths: 8000", "simulation.maxPaths: paths × (steps + 1) = 29,208,000 NAV points"],
      [
        "  poolGap: lagging",
        'simulation.poolGap: must be "aligned", "arbitrage-band" or { arbitrage-band: "<threshold> bps" }, got "lagging"',
      ],
      ["  uncertaintyPaths: 0", "simulation.uncertaintyPaths: must be a whole number from 1 to 1,000,000, got 0"],
      ["  steps: 3650\n  uncertaintyPaths: 10000", "simulation.uncertaintyPaths: paths × (steps + 1) = 36,510,000"],
      [
        "  models: [garch]",
        "simulation.models: is not a simulation setting (expected paths, steps, seed, stress, drift, riskFree, " +
          "marketModel, maxPaths, poolGap, uncertaintyPaths)",
      ],
    ];
    for (const [settings, error] of refused)
      expect(withSettings(settings), settings).toThrow(`proposals/x.yaml: ${error}`);
  });

  it("come as a YAML file or a folder with proposal.yaml and body.md, and every example passes its checks", async () => {
    const root = path.resolve(import.meta.dirname, "../../proposals/examples");
    const entries = await readdir(root);
    expect(entries.length).toBeGreaterThanOrEqual(6);
    for (const entry of entries) {
      const proposal = await loadProposal(path.join(root, entry));
      expect(proposal.body.length, entry).toBeGreaterThan(20);
      const result = checkProposal(entry, proposal, snapshot);
      expect(
        result.checks.filter((c) => c.status === "fail"),
        entry,
      ).toEqual([]);
    }
    await expect(loadProposal(path.join(root, "missing.yaml"))).rejects.toThrow("missing.yaml: no such file or folder");
  });

  it("come as TypeScript too, and a broken module names the file", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "trimtab-proposal-"));
    const write = async (name: string, text: string) => {
      await writeFile(path.join(dir, name), text);
      return path.join(dir, name);
    };
    const broken = await write("broken.ts", 'export default { title: "t", changes: {');
    await expect(loadProposal(broken)).rejects.toThrow(`${broken}: is not valid TypeScript: `);
    const noDefault = await write("no-default.ts", 'export const proposal = { title: "t" };\n');
    await expect(loadProposal(noDefault)).rejects.toThrow(
      `${noDefault}: must export the proposal as its default export`,
    );
    const badUnits = await write(
      "bad-units.ts",
      'export default { title: "t", body: "b", changes: { "rebalance.bandBps": [4] } };\n',
    );
    await expect(loadProposal(badUnits)).rejects.toThrow(
      `${badUnits}: changes."rebalance.bandBps": must be a value such as "2.5%", "6h" or true, got [4]`,
    );
    await expect(loadProposal(await write("notes.txt", "hi"))).rejects.toThrow(
      "a proposal is a .yaml or .ts file, or a folder",
    );
  });
});

describe("Pre-vote checks: each rule with a failing and a passing case", () => {
  it("known parameter: a typo is refused with the name it probably meant", () => {
    expect(failures({ "rebalance.bandbps": "4%" })).toEqual([
      {
        rule: "known parameter",
        field: 'changes."rebalance.bandbps"',
        status: "fail",
        message:
          'p.yaml: changes."rebalance.bandbps": no such parameter in the registry (did you mean rebalance.bandBps?)',
      },
    ]);
    expect(failures({ "rebalance.bandBps": "4%" })).toEqual([]);
  });

  it("units: a value that is not in the parameter's units", () => {
    expect(failures({ "rebalance.minIntervalSec": 3_600 })[0]).toMatchObject({
      rule: "units",
      message: expect.stringContaining('changes."rebalance.minIntervalSec": a duration needs a unit'),
    });
    expect(failures({ "rebalance.minIntervalSec": "18h" })).toEqual([]);
  });

  it("changes the value: the registry refuses to set what is already there", () => {
    expect(failures({ "rebalance.bandBps": "5%" })[0]).toMatchObject({ rule: "changes the value", status: "fail" });
  });

  it("bounds: outside the rules' min and max", () => {
    const [failure] = failures({ "rebalance.maxSlippageBps": "4 bps" });
    expect(failure).toMatchObject({ rule: "bounds", status: "fail" });
    expect(failure!.message).toContain("0.04% is outside the rules' range 0.05% to 3%");
    expect(failures({ "rebalance.maxSlippageBps": "0.4%" })).toEqual([]);
  });

  it("max step: an absolute step and a relative one", () => {
    expect(failures({ "rebalance.bandBps": "2%" })[0]).toMatchObject({
      rule: "max step",
      message: expect.stringContaining("5% → 2% moves 3%; one update may move it at most 2.5%"),
    });
    expect(failures({ "rebalance.bandBps": "2.5%" })).toEqual([]);
    // rebalance.minIntervalSec may move 50% of its value (1 day) at once.
    expect(failures({ "rebalance.minIntervalSec": "11h" })[0]).toMatchObject({ rule: "max step" });
    expect(failures({ "rebalance.minIntervalSec": "12h" })).toEqual([]);
  });

  it("min interval: a parameter changed too recently for the earliest execution", () => {
    const recent = { ...snapshot, parameters: { ...snapshot.parameters } };
    recent.parameters["fees.managementBps"] = {
      ...recent.parameters["fees.managementBps"]!,
      updatedAtSeconds: now - day,
    };
    expect(failures({ "fees.managementBps": "1.5%" }, recent)[0]).toMatchObject({
      rule: "min interval",
      status: "fail",
      message: expect.stringContaining("it may change again from 2027-02-13T08:00:00Z"),
    });
    expect(failures({ "fees.managementBps": "1.5%" })).toEqual([]);
  });

  it("after a guardian's tightening, step and interval count from governance's baseline", () => {
    const tightened = { ...snapshot, parameters: { ...snapshot.parameters } };
    // Governance set 50 bps 60 days ago; the guardian tightened it to 30 an hour ago.
    tightened.parameters["rebalance.maxSlippageBps"] = {
      ...tightened.parameters["rebalance.maxSlippageBps"]!,
      value: 30n,
      updatedAtSeconds: now - 3_600,
      governanceBaseline: { value: 50n, updatedAtSeconds: now - 60 * day },
    };
    const at = (value: string) => failures({ "rebalance.maxSlippageBps": value }, tightened);
    // 0.75% is 45 from the guardian's 30 but one max step (25) from governance's 50; no interval restarted.
    expect(at("0.75%").filter((c) => c.status === "fail")).toEqual([]);
    expect(at("0.76%")).toMatchObject([
      {
        rule: "max step",
        status: "fail",
        message: expect.stringContaining(
          "0.5% → 0.76% moves 0.26%; one update may move it at most 0.25% (governance set 0.5%",
        ),
      },
      { rule: "guardian" },
    ]);
    // Setting the guardian's value is a change for governance: it becomes the new baseline.
    expect(at("0.3%").filter((c) => c.status === "fail")).toEqual([]);
    // Executable in a minute: an hour after the guardian's move, 60 days after governance's: the interval holds.
    const soon = { ...tightened, earliestExecutionSeconds: now + 60 };
    const fails = (at: RegistrySnapshot) =>
      failures({ "rebalance.maxSlippageBps": "0.4%" }, at).filter((c) => c.status === "fail");
    expect(fails(soon)).toEqual([]);
    tightened.parameters["rebalance.maxSlippageBps"]!.governanceBaseline = {
      value: 50n,
      updatedAtSeconds: now - 7_200,
    };
    expect(fails(soon)).toMatchObject([
      { rule: "min interval", status: "fail", message: expect.stringContaining("last set by governance") },
    ]);
  });

  it("guardian: a move toward more risk warns that the guardian can tighten it back", () => {
    const [warning] = failures({ "rebalance.maxSlippageBps": "0.75%" });
    expect(warning).toMatchObject({ rule: "guardian", status: "warn" });
    expect(checkProposal("p.yaml", draft({ "rebalance.maxSlippageBps": "0.75%" }), snapshot).verdict).toBe("WARN");
    const expired = { ...snapshot, guardianExpiresAtSeconds: now };
    expect(failures({ "rebalance.maxSlippageBps": "0.75%" }, expired)).toEqual([]);
    expect(failures({ "rebalance.maxSlippageBps": "0.25%" })).toEqual([]);
  });

  it("weights sum: target weights must still sum to 10,000 bps, said in percent", () => {
    expect(failures({ "weight.WETH": "45%" })[0]).toMatchObject({
      rule: "weights sum",
      message:
        "p.yaml: changes: weight.USDC 40% + weight.WETH 45% + weight.WBTC 20% = 105%: the weights must sum to 100%",
    });
    expect(failures({ "weight.WETH": "45%", "weight.USDC": "35%" })).toEqual([]);
    expect(checkProposal("p.yaml", draft({ "weight.WETH": "45%", "weight.USDC": "35%" }), snapshot).verdict).toBe(
      "PASS",
    );
  });
});

describe("Pre-vote checks: one module per check behind one interface, run in one order", () => {
  it("reports each change's checks in the list's order, then the proposal-wide ones, with one verdict", () => {
    // A riskier, valid band: every change check applies (the guardian's warns), then the weights' sum.
    const result = checkProposal("p.yaml", draft({ "rebalance.bandBps": "6%", "weight.USDC": "40%" }), snapshot);
    const band = result.checks.filter((c) => c.field === 'changes."rebalance.bandBps"').map((c) => c.rule);
    expect(band).toEqual(changeChecks.map((c) => c.rule).filter((rule) => band.includes(rule)));
    expect(band.slice(0, 3)).toEqual(["bounds", "max step", "min interval"]);
    const wide = proposalWideChecks.map((c) => c.rule);
    const tail = result.checks.filter((c) => wide.includes(c.rule)).map((c) => c.rule);
    expect(tail).toEqual(["weights sum", "description", "permissions"]);
    expect(result.checks.slice(-tail.length).map((c) => c.rule)).toEqual(tail);
    expect(result.verdict).toBe(verdictOf(result.checks));
  });
});

describe("The report a proposal cites: a seed derived from its content, and enough paths", () => {
  const registry: Address = "0x00000000000000000000000000000000000000aa";
  const call = { target: "0x00000000000000000000000000000000000000Bb" as Address, data: "0x1234" as Hex, value: 0n };
  const citing = (simulation: ProposalDraft["simulation"] = {}): ProposalDraft => ({
    ...draft({ "rebalance.bandBps": "4%", "oracle.maxStalenessSec.WETH": "2h" }),
    calls: [call],
    simulation,
  });
  it("is the same for the proposal read from its file and decoded back from the chain", () => {
    const proposal = citing();
    const checked = checkProposal("p.yaml", proposal, snapshot);
    const actions = proposalActions(proposal, checked.changes, registry);
    const decoded = decodeOnchainProposal(
      {
        id: 1n,
        proposer: registry,
        targets: actions.map((a) => a.target),
        values: actions.map((a) => a.value ?? 0n),
        calldatas: actions.map((a) => a.data),
        description: "# Tighter band",
        descriptionHash: "0x",
        voteStart: 0n,
        voteEnd: 0n,
        createdBlockNumber: 0n,
      },
      registry,
      snapshot,
      {}, // a deployment without a proposal guard
    );
    const fromChain = checkProposal("proposal 1", decoded, snapshot);
    expect(proposalSeeds({ changes: fromChain.changes, calls: decoded.calls })).toEqual(
      proposalSeeds({ changes: checked.changes, calls: proposal.calls }),
    );
  });

  it("is what the impact request runs with, whatever seed the file sets, with the unmodelled changes named", () => {
    const base = { start: devnetStartPoint(), market: devnetMarketModel() };
    const proposal = citing({ seed: 1 });
    const checked = checkProposal("p.yaml", proposal, snapshot);
    const { request, notSimulated } = impactRequest(base, proposal, checked);
    const expected = proposalSeeds({ changes: checked.changes, calls: proposal.calls });
    expect(request.seed).toBe(expected.seed);
    expect(request.rerunSeed).toBe(expected.rerunSeed);
    expect(impactRequest(base, citing(), checked).request.seed).toBe(expected.seed);
    expect(notSimulated).toEqual(["oracle.maxStalenessSec.WETH"]);
    expect(request.notModelled).toEqual(["oracle.maxStalenessSec.WETH"]);
  });
  it("runs the per-model comparison by default, the adaptive path count when asked, and the file's settings", () => {
    const base = { start: devnetStartPoint(), market: devnetMarketModel() };
    const checked = checkProposal("p.yaml", citing(), snapshot);
    const { request } = impactRequest(base, citing(), checked);
    expect(request.uncertainty).toEqual({ fitted: ["student-t", "garch", "regimes"] });
    expect(request.adaptive).toBeUndefined();
    expect(request.marketModel).toBeUndefined();
    expect(request.poolGap).toBeUndefined();

    const settings: ProposalDraft["simulation"] = {
      paths: 3_000,
      maxPaths: 6_000,
      uncertaintyPaths: 250,
      poolGap: { kind: "arbitrageBand", thresholdBps: 25 },
      marketModel: "student-t",
    };
    const history = { symbols: ["USDC"], timestamps: [0, day], pricesUsd: [[1], [1]] };
    const set = impactRequest({ ...base, history }, citing(settings), checked).request;
    expect(set).toMatchObject({
      paths: 3_000,
      adaptive: { maxPaths: 6_000 },
      uncertainty: { fitted: ["student-t", "garch", "regimes"], paths: 250 },
      poolGap: { kind: "arbitrageBand", thresholdBps: 25 },
      marketModel: "student-t",
    });
    // The default pool model is no setting at all (the report is the same as one that never named it).
    expect(impactRequest(base, citing({ poolGap: { kind: "aligned" } }), checked).request.poolGap).toBeUndefined();
    expect(impactRequest(base, citing({ maxPaths: 4_500 }), checked).request.adaptive).toEqual({ maxPaths: 4_500 });
    expect(() => impactRequest(base, citing({ marketModel: "garch" }), checked)).toThrow(
      'simulation.marketModel: "garch" is fitted to the feeds\' history, and there is none',
    );
  });

  const checks = (simulation: ProposalDraft["simulation"]) =>
    checkProposal("p.yaml", citing(simulation), snapshot).checks.filter((c) => c.field.startsWith("simulation"));

  it("derived seed: a seed in the file is ignored, with a warning that names the seed used", () => {
    const proposal = citing({ seed: 7 });
    const checked = checkProposal("p.yaml", proposal, snapshot);
    const { seed } = proposalSeeds({ changes: checked.changes, calls: proposal.calls });
    expect(checks({ seed: 7 })).toEqual([
      {
        rule: "derived seed",
        field: "simulation.seed",
        status: "warn",
        message:
          `p.yaml: simulation.seed: 7 is ignored: a report's seed is derived from the proposal's changes and calls ` +
          `(${seed} for this one); remove the setting`,
      },
    ]);
    expect(checks({})).toEqual([]);
  });

  it("citable report: fewer than 2,000 paths fail (the report would be a draft); 2,000 or more pass", () => {
    expect(checks({ paths: 500 })).toEqual([
      {
        rule: "citable report",
        field: "simulation.paths",
        status: "fail",
        message:
          "p.yaml: simulation.paths: 500 paths make a draft report, which a proposal cannot cite: ask for at least 2,000",
      },
    ]);
    expect(checkProposal("p.yaml", citing({ paths: 500 }), snapshot).verdict).toBe("FAIL");
    expect(checks({ paths: 5_000 })).toMatchObject([{ rule: "citable report", status: "pass" }]);
  });
});

describe("Permissions before any dry run: the policy on what the calldata does to roles, guardians and settings", () => {
  const timelock = getAddress("0x0000000000000000000000000000000000000071");
  const governor = getAddress("0x00000000000000000000000000000000000000a6");
  const registry = getAddress("0x00000000000000000000000000000000000000aa");
  const newcomer = getAddress("0x00000000000000000000000000000000000000b0");
  const owned = getAddress("0x00000000000000000000000000000000000000c1");
  /** The snapshot with who holds authority now: a 2-day timelock, 4% quorum, a 1-day voting delay, a threshold. */
  const onChain: RegistrySnapshot = {
    ...snapshot,
    authority: {
      timelock,
      settings: {
        minDelay: 172_800n,
        quorum: 4n,
        votingDelay: 86_400n,
        votingPeriod: 432_000n,
        proposalThreshold: 1_000n,
      },
    },
  };
  const call = (target: Address, data: Hex) => ({ target, data, value: 0n });
  const grant = (role: string, account: Address) =>
    encodeFunctionData({
      abi: timelockControllerAbi,
      functionName: "grantRole",
      args: [keccak256(stringToHex(role)), account],
    });
  const delay = (seconds: bigint) =>
    encodeFunctionData({ abi: timelockControllerAbi, functionName: "updateDelay", args: [seconds] });
  const proposal = (calls: ProposalDraft["calls"], extra: Partial<ProposalDraft> = {}): ProposalDraft => ({
    ...draft({}),
    calls,
    ...extra,
  });
  /** The permissions rows of `proposal check` on `p`: status, field and message. */
  const permissions = (p: ProposalDraft, at: RegistrySnapshot = onChain) =>
    checkProposal("p.yaml", p, at)
      .checks.filter((c) => c.rule === "permissions")
      .map((c) => [c.status, c.field, c.message] as const);

  it("fails a role granted by a raw call unless the file declares it, then warns", () => {
    const granting = proposal([call(timelock, grant("PROPOSER_ROLE", newcomer))]);
    expect(permissions(granting)).toEqual([
      [
        "fail",
        "permissions",
        `p.yaml: permissions: PROPOSER_ROLE granted to ${newcomer} on ${timelock} (not declared: add { grant: PROPOSER_ROLE, to: "${newcomer}" } to permissions if it is meant)`,
      ],
    ]);
    expect(checkProposal("p.yaml", granting, onChain).verdict).toBe("FAIL");
    const declared = { ...granting, permissions: [{ grant: "PROPOSER_ROLE", to: newcomer }] as const };
    expect(permissions(declared)).toEqual([
      [
        "warn",
        "permissions[0]",
        `p.yaml: permissions[0]: PROPOSER_ROLE granted to ${newcomer} on ${timelock} (declared)`,
      ],
    ]);
  });

  it("reads revokeRole, renounceRole and Ownable's transferOwnership as the dry run's events read them", () => {
    const canceller = keccak256(stringToHex("CANCELLER_ROLE"));
    const revoke = encodeFunctionData({
      abi: timelockControllerAbi,
      functionName: "revokeRole",
      args: [canceller, governor],
    });
    const renounce = encodeFunctionData({
      abi: timelockControllerAbi,
      functionName: "renounceRole",
      args: [keccak256(stringToHex("EXECUTOR_ROLE")), timelock],
    });
    const transfer = encodeFunctionData({
      abi: parseAbi(["function transferOwnership(address newOwner)"]),
      functionName: "transferOwnership",
      args: [newcomer],
    });
    expect(
      permissions(proposal([call(timelock, revoke), call(timelock, renounce), call(owned, transfer)])).map(
        ([status, , message]) => [status, message.replace("p.yaml: permissions: ", "").split(" (")[0]],
      ),
    ).toEqual([
      // Holders' cancel taken away fails undeclared; another role revoked warns.
      ["fail", `CANCELLER_ROLE revoked from ${governor} on ${timelock}`],
      ["warn", `EXECUTOR_ROLE revoked from ${timelock} on ${timelock}`],
      // A new owner is a grant; the timelock, whose call it is, loses ownership.
      ["fail", `owner granted to ${newcomer} on ${owned}`],
      ["warn", `owner revoked from ${timelock} on ${owned}`],
    ]);
  });

  it("fails a delay, quorum or voting period lowered from its value now unless declared, and warns of one raised", () => {
    const statuses = (p: ProposalDraft, at?: RegistrySnapshot) => permissions(p, at).map(([s]) => s);
    expect(permissions(proposal([call(timelock, delay(3_600n))]))).toEqual([
      [
        "fail",
        "permissions",
        `p.yaml: permissions: minDelay changed on ${timelock}: 172800 → 3600 (not declared, and it weakens holders' guardian or time to exit: declare it in permissions if it is meant)`,
      ],
    ]);
    expect(permissions(proposal([call(timelock, delay(259_200n))]))).toEqual([
      ["warn", "permissions", `p.yaml: permissions: minDelay changed on ${timelock}: 172800 → 259200 (not declared)`],
    ]);
    expect(statuses(proposal([call(timelock, delay(3_600n))], { permissions: [{ change: "minDelay" }] }))).toEqual([
      "warn",
    ]);
    const quorum = (numerator: bigint) =>
      call(
        governor,
        encodeFunctionData({ abi: trimtabGovernorAbi, functionName: "updateQuorumNumerator", args: [numerator] }),
      );
    expect(statuses(proposal([quorum(2n)]))).toEqual(["fail"]);
    expect(statuses(proposal([quorum(5n)]))).toEqual(["warn"]);
    // Without the value now (a snapshot of the catalog), a setter cannot be shown not to lower it: it fails.
    expect(permissions(proposal([call(timelock, delay(259_200n))]), snapshot)).toEqual([
      [
        "fail",
        "permissions",
        `p.yaml: permissions: minDelay changed on ${timelock}: → 259200 (now: unknown) (not declared, and it weakens holders' guardian or time to exit: declare it in permissions if it is meant)`,
      ],
    ]);
  });

  it("fails a guardian or the governor's timelock replaced undeclared; warns of rules and the threshold changed", () => {
    const setGuardian = encodeFunctionData({
      abi: parameterRegistryAbi,
      functionName: "setGuardian",
      args: [newcomer, 2_000_000_000],
    });
    const updateTimelock = encodeFunctionData({
      abi: trimtabGovernorAbi,
      functionName: "updateTimelock",
      args: [newcomer],
    });
    const threshold = encodeFunctionData({
      abi: trimtabGovernorAbi,
      functionName: "setProposalThreshold",
      args: [1n],
    });
    const revokeRules = encodeFunctionData({
      abi: parameterRegistryAbi,
      functionName: "revokePendingRules",
      args: [parameterKey("rebalance.bandBps")],
    });
    expect(
      permissions(
        proposal([
          call(registry, setGuardian),
          call(governor, updateTimelock),
          call(governor, threshold),
          call(registry, revokeRules),
        ]),
      ).map(([status, , message]) => [status, message.replace("p.yaml: permissions: ", "").split(" (")[0]]),
    ).toEqual([
      ["fail", `guardian changed on ${registry}: → ${newcomer}, until 2000000000`],
      ["fail", `timelock changed on ${governor}: → ${newcomer}`],
      // A threshold lowered weakens no holder's guardian or time to exit: it warns.
      ["warn", `proposalThreshold changed on ${governor}: 1000 → 1`],
      ["warn", `rules changed on ${registry}: loosening of rebalance.bandBps revoked`],
    ]);
  });

  it("follows the governor's relay to the call it makes", () => {
    const relayed = encodeFunctionData({
      abi: trimtabGovernorAbi,
      functionName: "relay",
      args: [timelock, 0n, grant("CANCELLER_ROLE", newcomer)],
    });
    expect(permissions(proposal([call(governor, relayed)])).map(([s, , m]) => [s, m.split(" (")[0]])).toEqual([
      ["fail", `p.yaml: permissions: CANCELLER_ROLE granted to ${newcomer} on ${timelock}`],
    ]);
  });

  it("warns of a module replaced, by a change or a raw registry call", () => {
    const setHedge = encodeFunctionData({
      abi: parameterRegistryAbi,
      functionName: "setParameter",
      args: [parameterKey("module.hedge"), BigInt(newcomer)],
    });
    const rows = permissions(proposal([call(registry, setHedge)]));
    expect(rows.map(([s, , m]) => [s, m])).toEqual([
      [
        "warn",
        `p.yaml: permissions: module.hedge replaced: 0x0000000000000000000000000000000000000000 → ${newcomer} (not declared)`,
      ],
    ]);
  });

  it("warns of a declared change the calldata does not make, and passes a proposal that changes no authority", () => {
    expect(
      permissions(proposal([], { changes: { "rebalance.bandBps": "4%" }, permissions: [{ change: "quorum" }] })),
    ).toEqual([
      ["warn", "permissions[0]", 'p.yaml: permissions[0]: declares {"change":"quorum"}, which the calls do not do'],
    ]);
    expect(permissions(draft({ "rebalance.bandBps": "4%" }))).toEqual([
      [
        "pass",
        "permissions",
        "p.yaml: permissions: the calls grant and revoke no role and change no guardian, module or governance setting",
      ],
    ]);
  });
});

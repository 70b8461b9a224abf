/**
 * Proposals as code: a proposal is a YAML file in `proposals/`, or a folder holding `proposal.yaml` and its body in
 * `body.md`. It has a title, a markdown body, parameter changes by registry name in human units, optional raw
 * calls, and the changes of roles and authority settings it declares (`permissions:`). This module reads one and checks its shape; every error names the file and the field.
 */
import { isAddress, isHex, type Address, type Hex } from "viem";
import { parse as parseYaml } from "yaml";
import type { PoolGapModel } from "../../sim/model/types.ts";
import {
  navPointsProblem,
  readDriftSetting,
  readMarketModelSetting,
  readMaxPathsSetting,
  readPoolGapSetting,
  readRiskFreeSetting,
  simulationDefaults,
  simulationLimits,
  type DriftChoice,
  type MarketModelSetting,
} from "../../sim/runSettings.ts";
import { stressScenarioNames } from "../../sim/market/stress.ts";
import {
  authoritySettings,
  roleNames,
  type AuthoritySetting,
  type PermissionDeclaration,
  type RoleName,
} from "./authority.ts";

/** A raw call a proposal makes besides its parameter changes. */
export type RawCall = { target: Address; data: Hex; value: bigint; note?: string };

/** A proposal as written. `changes` values are still in human units (see units.ts). */
export type ProposalDraft = {
  title: string;
  body: string;
  changes: Readonly<Record<string, string | number | boolean>>;
  calls: readonly RawCall[];
  /**
   * The roles it grants or revokes and the authority settings it changes, declared (checks/permissions.ts fails a
   * grant that is not, and a weakening of the guardian or of holders' time to exit). Absent: none declared.
   */
  permissions?: readonly PermissionDeclaration[];
  /**
   * Simulation settings for its impact report (paths, steps, stress scenarios, the market's drift, the risk-free
   * rate of its Sharpe and Sortino ratios as a fraction per year, written "4%" in the file, the market model, the
   * adaptive path count's cap, the pool–oracle gap, and the paths of each per-model comparison). Their defaults are
   * sim/runSettings.ts's, applied by `impactRequest` (deployed.ts).
   */
  simulation: {
    paths?: number;
    steps?: number;
    /**
     * Read (a whole number) so that older files still load, and ignored: the report's seed is derived from the
     * proposal's content (sdk/proposal/seed.ts); the checks warn that it is ignored (checks/seed.ts).
     */
    seed?: number;
    stress?: readonly string[];
    drift?: DriftChoice;
    riskFree?: number;
    /** The main run's market model (`"gbm"`, or one fitted to the history: `"student-t"`, `"garch"`, `"regimes"`). */
    marketModel?: MarketModelSetting;
    /** The cap of the adaptive path count: the paths double from `paths` until every headline sign is settled. */
    maxPaths?: number;
    /** How the pools' prices follow the oracles' (written `aligned`, `arbitrage-band` or `{ arbitrage-band: "25 bps" }`). */
    poolGap?: PoolGapModel;
    /** Paths of each run of the per-model comparison (parameter uncertainty). */
    uncertaintyPaths?: number;
  };
};

/** The settings a proposal file's `simulation` mapping may hold. */
export const simulationSettings = [
  "paths",
  "steps",
  "seed",
  "stress",
  "drift",
  "riskFree",
  "marketModel",
  "maxPaths",
  "poolGap",
  "uncertaintyPaths",
] as const;

/** An error in a proposal file: the file, the field (a path such as `changes."rebalance.bandBps"`) and why. */
export class ProposalError extends Error {
  readonly file: string;
  readonly field: string;
  readonly reason: string;
  constructor(file: string, field: string, reason: string) {
    super(`${file}: ${field ? `${field}: ` : ""}${reason}`);
    this.name = "ProposalError";
    this.file = file;
    this.field = field;
    this.reason = reason;
  }
}

const topLevel = ["title", "body", "changes", "calls", "permissions", "simulation"] as const;

const stressNames = stressScenarioNames.join(", ");
const show = (value: unknown) => JSON.stringify(value) ?? String(value);

/**
 * A proposal from the text of its YAML file (`file` names it in errors). `body` may come from a separate
 * `body.md`; a body in both places is refused.
 */
export function parseProposal(file: string, yamlText: string, bodyFromFile?: string): ProposalDraft {
  let document: unknown;
  try {
    document = parseYaml(yamlText);
  } catch (error) {
    throw new ProposalError(file, "", `is not valid YAML: ${(error as Error).message.split("\n")[0]}`);
  }
  return readProposal(file, document, bodyFromFile);
}

/** A proposal from an already parsed object (a YAML document, or a TypeScript module's default export). */
export function readProposal(file: string, document: unknown, bodyFromFile?: string): ProposalDraft {
  const fail = (field: string, reason: string): never => {
    throw new ProposalError(file, field, reason);
  };
  if (!isRecord(document)) return fail("", "must be a mapping with title, body and changes");
  for (const key of Object.keys(document)) {
    if (!(topLevel as readonly string[]).includes(key))
      fail(key, `is not a proposal field (expected ${topLevel.join(", ")})`);
  }
  const title = document.title;
  if (typeof title !== "string" || title.trim() === "") fail("title", "must be a non-empty line of text");
  if ((title as string).length > 120 || (title as string).includes("\n"))
    fail("title", "must be one line of at most 120 characters");
  if (document.body !== undefined && bodyFromFile !== undefined)
    fail("body", "is given both in the file and in body.md: keep one");
  const body = bodyFromFile ?? document.body;
  if (typeof body !== "string" || body.trim() === "") fail("body", "must be markdown text (or a body.md beside it)");

  const changes = document.changes ?? {};
  if (!isRecord(changes)) fail("changes", "must map parameter names to new values");
  for (const [name, value] of Object.entries(changes as Record<string, unknown>)) {
    if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean")
      fail(`changes."${name}"`, `must be a value such as "2.5%", "6h" or true, got ${JSON.stringify(value)}`);
  }

  const callsInput = document.calls ?? [];
  if (!Array.isArray(callsInput)) fail("calls", "must be a list of { target, data, value } calls");
  const calls = (callsInput as unknown[]).map((call, i): RawCall => {
    const field = `calls[${i}]`;
    if (!isRecord(call)) return fail(field, "must be a mapping with target and data");
    if (typeof call.target !== "string" || !isAddress(call.target, { strict: false }))
      fail(`${field}.target`, "must be an address");
    if (typeof call.data !== "string" || !isHex(call.data) || call.data.length % 2 !== 0)
      fail(`${field}.data`, "must be calldata as 0x-prefixed hex");
    const value = call.value ?? "0";
    if (!(typeof value === "string" || typeof value === "number") || !/^\d+$/.test(String(value)))
      fail(`${field}.value`, "must be a whole number of wei");
    if (call.note !== undefined && typeof call.note !== "string") fail(`${field}.note`, "must be text");
    return {
      target: call.target as Address,
      data: call.data as Hex,
      value: BigInt(value as string | number),
      ...(call.note ? { note: call.note as string } : {}),
    };
  });
  const permissions = readPermissions(document.permissions, fail);

  if (Object.keys(changes as object).length === 0 && calls.length === 0)
    fail("changes", "a proposal must change at least one parameter or make one call");

  const simulation = document.simulation ?? {};
  const settings = simulationSettings.join(", ");
  if (!isRecord(simulation)) fail("simulation", `must be a mapping of settings (${settings})`);
  const sim = { ...(simulation as Record<string, unknown>) };
  for (const key of Object.keys(sim)) {
    if (!(simulationSettings as readonly string[]).includes(key))
      fail(`simulation.${key}`, `is not a simulation setting (expected ${settings})`);
  }
  if (sim.seed !== undefined && !(typeof sim.seed === "number" && Number.isInteger(sim.seed)))
    fail("simulation.seed", "must be a whole number");
  for (const key of ["paths", "steps", "uncertaintyPaths"] as const) {
    const { min, max } = simulationLimits[key === "uncertaintyPaths" ? "paths" : key];
    const value = sim[key];
    if (value !== undefined && !(typeof value === "number" && Number.isInteger(value) && value >= min && value <= max))
      fail(
        `simulation.${key}`,
        `must be a whole number from ${min} to ${max.toLocaleString("en-US")}, got ${show(value)}`,
      );
  }
  const tooMany = navPointsProblem(
    Number(sim.paths ?? simulationDefaults.paths),
    Number(sim.steps ?? simulationDefaults.steps),
  );
  if (tooMany) fail("simulation", tooMany);
  if (sim.uncertaintyPaths !== undefined) {
    const tooManyCompared = navPointsProblem(
      Number(sim.uncertaintyPaths),
      Number(sim.steps ?? simulationDefaults.steps),
    );
    if (tooManyCompared) fail("simulation.uncertaintyPaths", tooManyCompared);
  }
  if (sim.maxPaths !== undefined) {
    const run = {
      paths: Number(sim.paths ?? simulationDefaults.paths),
      steps: Number(sim.steps ?? simulationDefaults.steps),
    };
    const maxPaths = readMaxPathsSetting(sim.maxPaths, run);
    if (!maxPaths.ok) fail("simulation.maxPaths", maxPaths.reason);
  }
  if (sim.marketModel !== undefined) {
    const marketModel = readMarketModelSetting(sim.marketModel);
    if (!marketModel.ok) fail("simulation.marketModel", marketModel.reason);
  }
  if (sim.poolGap !== undefined) {
    const poolGap = readPoolGapSetting(sim.poolGap);
    if (!poolGap.ok) fail(`simulation.poolGap`, poolGap.reason);
    else sim.poolGap = poolGap.poolGap;
  }
  if (sim.stress !== undefined) {
    if (!Array.isArray(sim.stress)) fail("simulation.stress", `must be a list of scenario names (${stressNames})`);
    (sim.stress as unknown[]).forEach((name, i) => {
      if (!(stressScenarioNames as readonly unknown[]).includes(name))
        fail(`simulation.stress[${i}]`, `${show(name)} is not a stress scenario (expected one of ${stressNames})`);
    });
  }
  if (sim.drift !== undefined) {
    const drift = readDriftSetting(sim.drift);
    if (!drift.ok) fail(`simulation.${drift.field}`, drift.reason);
    else sim.drift = drift.drift;
  }
  if (sim.riskFree !== undefined) {
    const riskFree = readRiskFreeSetting(sim.riskFree);
    if (!riskFree.ok) fail("simulation.riskFree", riskFree.reason);
    else sim.riskFree = riskFree.perYear;
  }

  return {
    title: (title as string).trim(),
    body: body as string,
    changes: changes as Record<string, string | number | boolean>,
    calls,
    ...(permissions ? { permissions } : {}),
    simulation: sim as ProposalDraft["simulation"],
  };
}

/**
 * A file's `permissions:` list: each entry `{ grant: ROLE, to: "0x…" }`, `{ revoke: ROLE, from: "0x…" }` (a role of
 * `roleNames`, or `owner`) or `{ change: SETTING }` (one of `authoritySettings`).
 */
function readPermissions(
  input: unknown,
  fail: (field: string, reason: string) => never,
): PermissionDeclaration[] | undefined {
  if (input === undefined) return undefined;
  const forms = '{ grant: ROLE, to: "0x…" }, { revoke: ROLE, from: "0x…" } or { change: SETTING }';
  if (!Array.isArray(input)) return fail("permissions", `must be a list of ${forms}`);
  const roles = roleNames.join(", ");
  return input.map((entry: unknown, i): PermissionDeclaration => {
    const field = `permissions[${i}]`;
    if (!isRecord(entry)) return fail(field, `must be one of ${forms}`);
    const keys = Object.keys(entry).sort().join(",");
    const role = (key: "grant" | "revoke"): RoleName => {
      const name = entry[key];
      if (!(roleNames as readonly unknown[]).includes(name))
        fail(`${field}.${key}`, `${show(name)} is not a role (expected one of ${roles})`);
      return name as RoleName;
    };
    const account = (key: "to" | "from") => {
      const value = entry[key];
      if (typeof value !== "string" || !isAddress(value, { strict: false }))
        fail(`${field}.${key}`, `must be an address in quotes ("0x…"), got ${show(value)}`);
      return value as Address;
    };
    if (keys === "grant,to") return { grant: role("grant"), to: account("to") };
    if (keys === "from,revoke") return { revoke: role("revoke"), from: account("from") };
    if (keys === "change") {
      if (!(authoritySettings as readonly unknown[]).includes(entry.change))
        fail(
          `${field}.change`,
          `${show(entry.change)} is not a setting (expected one of ${authoritySettings.join(", ")})`,
        );
      return { change: entry.change as AuthoritySetting };
    }
    return fail(field, `must be one of ${forms}, got the fields ${keys || "none"}`);
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

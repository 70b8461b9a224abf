import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import type { RegistrySnapshot } from "../../../../sdk/proposal/check.ts";
import { parseProposal } from "../../../../sdk/proposal/proposalFile.ts";
import {
  checkChanges,
  checkDraft,
  checkReason,
  draftDocument,
  draftFileName,
  draftYaml,
  shownCheck,
  type DraftForm,
} from "./draft.ts";

const day = 86_400;
const now = 1_800_000_000;
const snapshot: RegistrySnapshot = {
  baseSymbol: "USDC",
  baseDecimals: 6,
  earliestExecutionSeconds: now + 6 * day,
  guardianExpiresAtSeconds: now + 365 * day,
  parameters: {
    "rebalance.bandBps": {
      name: "rebalance.bandBps",
      kind: "bps",
      saferDirection: "none",
      value: 500n,
      rules: { min: 100n, max: 2_000n, stepKind: "absolute", maxStep: 250n, minIntervalSeconds: day },
      updatedAtSeconds: now - 10 * day,
    },
    "caps.depositCap": {
      name: "caps.depositCap",
      kind: "amount",
      saferDirection: "lower",
      value: 10_000_000_000_000n,
      rules: { min: 0n, max: 10n ** 15n, stepKind: "absolute", maxStep: 5_000_000_000_000n, minIntervalSeconds: day },
      updatedAtSeconds: now - 10 * day,
    },
  },
};

const form = (changes: DraftForm["changes"], title = "Tighter band"): DraftForm => ({
  title,
  body: "Why it helps.",
  changes,
  simulation: { paths: 2000 },
});

describe("a proposal drafted in the web app", () => {
  it("is checked by the registry's rules, each failure attached to its parameter", () => {
    const checked = checkDraft(form([{ name: "rebalance.bandBps", value: "25%" }]), snapshot);
    expect(checked.ok).toBe(true);
    if (!checked.ok) return;
    expect(checked.result.verdict).toBe("FAIL");
    const failures = checked.byParameter["rebalance.bandBps"]!.filter((c) => c.status === "fail");
    expect(failures.map((c) => c.rule)).toEqual(["bounds", "max step"]);
    expect(checkReason(failures[0]!)).toBe("25% is outside the rules' range 1% to 20%");
  });

  it("passes a change within the bounds, the step and the interval", () => {
    const checked = checkDraft(form([{ name: "rebalance.bandBps", value: "4%" }]), snapshot);
    expect(checked.ok && checked.result.verdict).toBe("PASS");
    expect(checked.ok && checked.result.changes).toEqual([
      { name: "rebalance.bandBps", kind: "bps", before: 500n, after: 400n },
    ]);
  });

  it("names a value it cannot read, and an unknown parameter", () => {
    const checked = checkDraft(
      form([
        { name: "caps.depositCap", value: "lots" },
        { name: "rebalance.band", value: "4%" },
      ]),
      snapshot,
    );
    if (!checked.ok) throw new Error("expected a checked draft");
    expect(checked.byParameter["caps.depositCap"]![0]).toMatchObject({ rule: "units", status: "fail" });
    expect(checkReason(checked.byParameter["rebalance.band"]![0]!)).toContain("did you mean rebalance.bandBps?");
  });

  it("refuses a draft without a title or without a change, naming the field", () => {
    expect(checkDraft(form([{ name: "rebalance.bandBps", value: "4%" }], "  "), snapshot)).toEqual({
      ok: false,
      field: "title",
      message: "must be a non-empty line of text",
    });
    expect(checkDraft(form([]), snapshot)).toMatchObject({ ok: false, field: "changes" });
  });

  it("exports the proposals/ file the CLI reads back to the same proposal", () => {
    const draft = form([
      { name: "rebalance.bandBps", value: "4%" },
      { name: "caps.depositCap", value: "12_000_000 USDC" },
    ]);
    const text = draftYaml(draft);
    expect(text).toMatch(/^# proposals\/tighter-band\.yaml/);
    const read = parseProposal(draftFileName(draft.title), text);
    expect(read).toEqual({
      title: "Tighter band",
      // The body states the changes in the table the description check compares with the calldata.
      body: [
        "Why it helps.",
        "",
        "| Parameter | Current | Proposed |",
        "| --- | --- | --- |",
        "| `rebalance.bandBps` |  | 4% |",
        "| `caps.depositCap` |  | 12_000_000 USDC |",
        "",
      ].join("\n"),
      changes: { "rebalance.bandBps": "4%", "caps.depositCap": "12_000_000 USDC" },
      calls: [],
      simulation: { paths: 2000 },
    });
    expect(parse(text).changes["caps.depositCap"]).toBe("12_000_000 USDC");
    const checked = checkDraft(draft, snapshot);
    expect(checked.ok && checked.result.checks.find((c) => c.rule === "description")?.status).toBe("pass");
    // A body that already has its table keeps it as written.
    const tabled = { ...draft, body: "Why.\n\n| Parameter | Proposed |\n|---|---|\n| rebalance.bandBps | 4% |" };
    expect(draftDocument(tabled).body).toBe(`${tabled.body}\n`);
  });

  it("writes the drift chosen for its simulation into the file, unless it is the default zero", () => {
    const withDrift = (drift: string) => {
      const draft = {
        ...form([{ name: "rebalance.bandBps", value: "4%" }]),
        simulation: { paths: 2000, drift },
      };
      return parseProposal(draftFileName(draft.title), draftYaml(draft)).simulation;
    };
    expect(withDrift("fitted")).toEqual({ paths: 2000, drift: "fitted" });
    expect(withDrift("-30%")).toEqual({ paths: 2000, drift: -0.3 });
    expect(withDrift("zero")).toEqual({ paths: 2000 });
    // A drift being typed that does not read yet stays out of the file (the impact panel says what is wrong).
    expect(withDrift("NaN%")).toEqual({ paths: 2000 });
  });

  it("names its file after the title", () => {
    expect(draftFileName("Hedge 60% of WETH!")).toBe("proposals/hedge-60-of-weth.yaml");
    expect(draftFileName("???")).toBe("proposals/draft.yaml");
  });

  it("shows no failure of a field the user has not touched yet, until they try to submit", () => {
    const fresh: DraftForm = { title: "", body: "", changes: [], simulation: { paths: 2000 } };
    const untouched = { title: false, body: false, changes: false, submitted: false };
    expect(shownCheck(checkDraft(fresh, snapshot), untouched)).toEqual({ verdict: "incomplete" });
    expect(shownCheck(checkDraft(fresh, snapshot), { ...untouched, title: true })).toEqual({
      verdict: "FAIL",
      field: "title",
      problem: "must be a non-empty line of text",
    });
    expect(shownCheck(checkDraft(fresh, snapshot), { ...untouched, submitted: true })).toMatchObject({
      verdict: "FAIL",
      field: "title",
    });
    // A complete draft shows what the registry's rules say, touched or not.
    const complete = form([{ name: "rebalance.bandBps", value: "25%" }]);
    expect(shownCheck(checkDraft(complete, snapshot), untouched)).toEqual({ verdict: "FAIL" });
  });

  it("checks the changes as typed before the title and the body are written", () => {
    const problems = checkChanges(
      { ...form([{ name: "rebalance.bandBps", value: "25%" }]), title: "", body: "" },
      snapshot,
    );
    expect(problems["rebalance.bandBps"]!.filter((c) => c.status === "fail").map(checkReason)).toContain(
      "25% is outside the rules' range 1% to 20%",
    );
  });
});

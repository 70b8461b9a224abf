import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AdvisorResult } from "../../sim/advisor/types.ts";
import { parseProposal } from "../../sdk/proposal/proposalFile.ts";
import { startStackNode, type StackNode } from "../helpers/stackNode.ts";
import { trimtab } from "../helpers/trimtab.ts";

const port = 18_620;
const daySeconds = 86_400;

describe("trimtab advise on a devnet node", () => {
  let running: StackNode | undefined;
  let dir: string;
  let flags: string[];
  let advised: { code: number; output: string };
  let advisedSeconds: number;
  let result: AdvisorResult;

  beforeAll(async () => {
    // Invested (the vault holds its risk assets); the feeds' history is two days, so a 40-day price file calibrates.
    running = await startStackNode(port, { name: "advise", deposit: true, rebalance: true });
    dir = await mkdtemp(path.join(tmpdir(), "trimtab-advise-"));
    const record = path.join(dir, "localhost.json");
    await writeFile(record, JSON.stringify({ ...running.v.record, rpcUrl: running.rpcUrl }));
    const rows = Array.from({ length: 40 }, (_, d) => {
      const wiggle = Math.sin(d * 1.7) * 0.03 + Math.cos(d * 0.9) * 0.02;
      return `${1_735_689_600 + d * daySeconds},1,${(3_000 * (1 + wiggle)).toFixed(2)},${(60_000 * (1 - wiggle)).toFixed(2)}`;
    });
    await writeFile(path.join(dir, "prices.csv"), ["time,USDC,WETH,WBTC", ...rows].join("\n"));
    flags = ["--deployment", record, "--history", path.join(dir, "prices.csv")];
    flags.push("--paths", "200", "--population", "8", "--generations", "1", "--threads", "2");
    // The front once, with the whole result written beside the text.
    const out = path.join(dir, "result.json");
    const started = performance.now();
    advised = await trimtab("advise", ...flags, "--out", out);
    advisedSeconds = (performance.now() - started) / 1000;
    result = JSON.parse(await readFile(out, "utf8")) as AdvisorResult;
  }, 300_000);

  afterAll(() => running?.stop());

  it("prints the algorithm, the front with each point's metrics and values, the current set's dominance and the robustness", () => {
    expect(advised.code, advised.output).toBe(0);
    expect(advisedSeconds).toBeLessThan(60);
    expect(advised.output).toContain(`${result.algorithm}.`);
    expect(advised.output).toMatch(/The front \(\d+ points, by ascending CVaR 95\):/);
    expect(advised.output).toMatch(
      /point +expected return +CVaR 95 +liquidation probability +breaking drop +robustness +weight\.WETH +weight\.WBTC +rebalance\.bandBps +rebalance\.maxTradeBps +collateral\.targetLtvBps +hedge\.ratioBps/,
    );
    for (const id of result.front) expect(advised.output).toMatch(new RegExp(`^${id} +-?\\d+\\.\\d\\d%`, "m"));
    expect(advised.output).toMatch(/^The current set is (not dominated|dominated by point \d+)/m);
    expect(advised.output).toContain("Robustness against the current set:");
  });

  it("writes the glide path to a point as proposal files whose first passes `trimtab proposal check`, and never over them", async () => {
    const target = result.front.find((id) => id !== result.current.id);
    expect(target, "a front point other than the current set").toBeDefined();
    const glideDir = path.join(dir, "glide");
    const glided = await trimtab("advise", ...flags, "--point", String(target), "--glide-dir", glideDir);
    expect(glided.code, glided.output).toBe(0);
    expect(glided.output).toContain(`The glide path to point ${target}`);
    const files = (await readdir(glideDir)).sort();
    expect(files.length).toBeGreaterThan(0);
    expect(files).toEqual(files.map((_, i) => `${String(i + 1).padStart(2, "0")}-advisor-point-${target}.yaml`));
    const first = path.join(glideDir, files[0]!);
    expect(parseProposal(first, await readFile(first, "utf8")).title).toBe(
      `Advisor point ${target}, step 1 of ${files.length}`,
    );
    const checked = await trimtab("proposal", "check", first, "--deployment", flags[1]!);
    expect(checked.code, checked.output).toBe(0);
    expect(checked.output).toMatch(/^(PASS|WARN)$/m);

    const again = await trimtab("advise", ...flags, "--point", String(target), "--glide-dir", glideDir);
    expect(again.code).toBe(2);
    expect(again.output).toContain(`--glide-dir: ${path.join(glideDir, files[0]!)}`);
    expect(again.output).toContain("already exist; nothing written");
  });

  it("places a proposal's modelled changes beside the current set and says whether they are dominated", async () => {
    const out = path.join(dir, "proposed.json");
    const proposal = ["--proposal", "proposals/examples/reweight.yaml"];
    const proposed = await trimtab("advise", ...flags, ...proposal, "--json", "--out", out);
    expect(proposed.code, proposed.output).toBe(0);
    // --json prints the result alone on stdout (progress goes to stderr, after it here).
    expect(proposed.output).toMatch(/^\{\n {2}"algorithm": /);
    const withProposal = JSON.parse(await readFile(out, "utf8")) as AdvisorResult;
    // reweight.yaml: USDC 35%, WBTC 25% (WETH keeps its 40%).
    expect(withProposal.proposed?.values).toMatchObject({ "weight.WETH": 4_000, "weight.WBTC": 2_500 });
    expect(withProposal.dominance.map((d) => d.set)).toEqual(["current", "proposed"]);
    const text = await trimtab("advise", ...flags, ...proposal);
    expect(text.output).toMatch(/^The proposed set is (not dominated|dominated by point \d+)/m);
    expect(text.output).toMatch(/^proposed \(\d+\) +-?\d+\.\d\d%/m);
  });

  it("names a bad flag", async () => {
    expect(await trimtab("advise", ...flags, "--population", "2")).toEqual({
      code: 2,
      output: '--population must be a whole number from 4 to 1,000, got "2"\n',
    });
    expect(await trimtab("advise", ...flags, "--max-liquidation", "150%")).toEqual({
      code: 2,
      output: '--max-liquidation must be a percentage ("1%") or a fraction ("0.01") from 0 up to 100%, got "150%"\n',
    });
    expect((await trimtab("advise", ...flags, "--drift", "up")).output).toMatch(/^--drift must be zero, fitted/);
    expect((await trimtab("advise", ...flags, "--glide-dir", dir)).output).toBe(
      "--glide-dir needs --point <id>: the point whose glide path to write\n",
    );
    const unknown = await trimtab("advise", ...flags, "--params", "rebalance.nothing");
    expect(unknown.code).toBe(2);
    expect(unknown.output).toContain("--params: rebalance.nothing is not a parameter the simulation models");
  });
});

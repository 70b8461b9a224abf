/**
 * The `trimtab` package as a user installs it: `npm pack`, then `npm install --omit=dev` of the tarball in an empty
 * folder, then its bin. Every package the CLI imports at run time must be a dependency (not a devDependency), and the
 * bin must run from under node_modules, where Node does not strip TypeScript types.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { Worker } from "node:worker_threads";
import { devnetMarketModel, devnetStartPoint } from "../../devnet/startPoint.ts";
import { evaluateSets } from "../../sim/advisor/evaluate.ts";
import type { EvaluationRequest } from "../../sim/advisor/pool.ts";
import { writeUnreachableRecord } from "../helpers/trimtab.ts";

const root = path.resolve(import.meta.dirname, "..", "..");
const run = promisify(execFile);
// npm's scripts (prepack) and the bin's `#!/usr/bin/env node` run the Node that runs this test.
const env = { ...process.env, PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ""}` };

type Outcome = { code: number; stdout: string; stderr: string };

function exec(file: string, args: string[], cwd: string): Promise<Outcome> {
  return run(file, args, { cwd, env, maxBuffer: 16 * 1024 * 1024 }).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({
      code: error.code,
      stdout: error.stdout,
      stderr: error.stderr,
    }),
  );
}

describe("the packed trimtab package, installed without devDependencies", () => {
  let app: string;
  let tarball: string;

  beforeAll(async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "trimtab-pack-"));
    const packed = await exec("npm", ["pack", "--silent", "--pack-destination", dir], root);
    expect(packed.code, packed.stderr).toBe(0);
    tarball = path.join(dir, packed.stdout.trim().split("\n").at(-1)!);
    app = path.join(dir, "app");
    await mkdir(app);
    await writeFile(path.join(app, "package.json"), JSON.stringify({ name: "a-dao", private: true }));
    const installed = await exec(
      "npm",
      ["install", "--omit=dev", "--prefer-offline", "--no-audit", "--no-fund", "--ignore-scripts", tarball],
      app,
    );
    expect(installed.code, installed.stderr).toBe(0);
  }, 300_000);

  it("holds the bin and its build, not the repository", async () => {
    const listed = await exec("tar", ["-tzf", tarball], root);
    expect(listed.stdout.trim().split("\n").sort()).toEqual(
      [
        "package/README.md",
        "package/cli/bin.js",
        "package/dist/trimtab.js",
        "package/dist/trimtab.js.map",
        "package/dist/advisorThread.js",
        "package/dist/advisorThread.js.map",
        "package/package.json",
      ].sort(),
    );
    // Only the dependencies came with it: no hardhat, no vitest.
    const modules = await readdir(path.join(app, "node_modules"));
    expect(modules).toContain("viem");
    expect(modules).toContain("yaml");
    expect(modules).not.toContain("hardhat");
    expect(modules).not.toContain("vitest");
  });

  /** The first answer of the package's build of a worker thread (dist/<name>.js) to `message`. */
  async function askPackedThread(name: string, message: unknown): Promise<unknown> {
    const worker = new Worker(path.join(app, "node_modules", "trimtab", "dist", `${name}.js`));
    try {
      return await new Promise((resolve, reject) => {
        worker.once("message", resolve);
        worker.once("error", reject);
        worker.postMessage(message);
      });
    } finally {
      await worker.terminate();
    }
  }

  it("holds the advisor's worker thread's build, which answers an evaluation from node_modules", async () => {
    const start = devnetStartPoint();
    const base = { start, market: devnetMarketModel(), paths: 4, steps: 5, stepSeconds: 86_400, seed: 1 };
    const evaluation: EvaluationRequest = { id: 7, base, sets: [start.params] };
    expect(await askPackedThread("advisorThread", evaluation)).toEqual({
      id: 7,
      ok: true,
      evaluations: evaluateSets(base, [start.params]),
    });
  });

  it("runs from node_modules/.bin: help, a scaffold, a check that names the chain it cannot reach, and a simulation that names hardhat", async () => {
    const bin = path.join(app, "node_modules", ".bin", "trimtab");
    const help = await exec(bin, ["--help"], app);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toContain("trimtab proposal check <file>");

    // No deployment record here: the scaffold starts from the catalog and writes a file the check then reads.
    const created = await exec(bin, ["proposal", "new", "tighter-band"], app);
    expect(created.code, created.stderr).toBe(0);
    expect(await readFile(path.join(app, "proposals", "tighter-band.yaml"), "utf8")).toContain("rebalance.bandBps");

    const record = await writeUnreachableRecord(app);
    const check = await exec(bin, ["proposal", "check", "proposals/tighter-band.yaml", "--deployment", record], app);
    expect(check).toEqual({
      code: 2,
      stdout: "",
      stderr: `cannot reach a chain at http://127.0.0.1:1 (the chain of ${record}): is it running? Set another with --rpc <url>\n`,
    });

    // The dry run forks the chain with Hardhat's EDR, which the package does not install: said at once, naming it.
    const simulate = await exec(
      bin,
      ["proposal", "simulate", "proposals/tighter-band.yaml", "--deployment", record],
      app,
    );
    expect(simulate).toEqual({
      code: 2,
      stdout: "",
      stderr:
        "the dry run forks the chain with Hardhat's EDR, and the hardhat package is not installed: " +
        "install it beside trimtab (npm install hardhat@3.18.0)\n",
    });
  });
});

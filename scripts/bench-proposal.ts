/**
 * `npm run bench:proposal`: how long `trimtab proposal simulate` takes for a three-change proposal on the devnet,
 * its dry run on an in-process fork of the devnet node (the only way it runs) and its 2,000-path impact simulation
 * included. Starts the local stack with a 40-day scenario (so that the feeds hold enough history to calibrate the
 * market), times the CLI end to end (process start to report) a few times, checks the node did not move, stops the
 * stack, and prints one JSON line last.
 *
 * Options: --repeat N (default 3), --proposal <file> (default proposals/examples/oracle-and-cap.yaml).
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs, promisify } from "node:util";
import { createPublicClient, http } from "viem";
import type { ProposalReport } from "../sdk/proposal/report.ts";
import { startStackProcess } from "../devnet/startProcess.ts";

const { values } = parseArgs({ options: { repeat: { type: "string" }, proposal: { type: "string" } } });
const repeat = Number(values.repeat ?? "3");
const proposal = values.proposal ?? "proposals/examples/oracle-and-cap.yaml";
const root = path.resolve(import.meta.dirname, "..");
const node = process.execPath;
const port = 18_720;
const run = promisify(execFile);

const deployments = await mkdtemp(path.join(tmpdir(), "trimtab-bench-proposal-"));
console.log("starting the stack (40-day scenario)…");
const stack = startStackProcess(node, root, [
  "--port",
  String(port),
  "--graphql-port",
  String(port + 1),
  "--days",
  "40",
  "--deployments-dir",
  deployments,
]);
try {
  await stack.ready;
  const chain = createPublicClient({ transport: http(`http://127.0.0.1:${port}`) });
  const head = await chain.getBlockNumber();
  const args = ["cli/trimtab.ts", "proposal", "simulate", proposal, "--json", "--rpc", `http://127.0.0.1:${port}`];
  args.push("--deployment", path.join(deployments, "localhost.json"));
  let best = Infinity;
  let report: ProposalReport | undefined;
  for (let i = 0; i < repeat; i++) {
    const started = performance.now();
    const { stdout } = await run(node, args, { cwd: root, maxBuffer: 64 * 1024 * 1024 }).catch(
      (error: { stdout: string }) => ({ stdout: error.stdout }),
    );
    const seconds = (performance.now() - started) / 1000;
    report = JSON.parse(stdout) as ProposalReport;
    console.log(
      `run ${i + 1}: ${seconds.toFixed(2)} s (verdict ${report.verdict}, dry run on a fork of block ${report.dryRun.blockNumber})`,
    );
    best = Math.min(best, seconds);
  }
  const after = await chain.getBlockNumber();
  if (after !== head) throw new Error(`the devnet moved from block ${head} to ${after} during the dry runs`);
  const changes = Object.keys(report!.impact.inputs.changes).length + report!.notSimulated.length;
  const adaptive = report!.impact.results.uncertainty?.adaptive;
  if (adaptive)
    console.log(
      `adaptive path count: ${adaptive.stages.map((n) => n.toLocaleString("en-US")).join(" → ")} paths (cap ` +
        `${adaptive.maxPaths.toLocaleString("en-US")}); unsettled: ${adaptive.unsettled.join(", ") || "none"}`,
    );
  console.log(
    `\n${proposal}: ${changes} changes, checks + dry run on a fork + ${report!.impact.model.paths.toLocaleString("en-US")}-path ` +
      `simulation in ${best.toFixed(2)} s (target 10 s)`,
  );
  console.log(
    JSON.stringify({
      proposal,
      changes,
      paths: report!.impact.model.paths,
      ...(adaptive ? { unsettled: adaptive.unsettled } : {}),
      steps: report!.impact.model.steps,
      seconds: Number(best.toFixed(3)),
      forkedBlock: Number(report!.dryRun.blockNumber),
      verdict: report!.verdict,
    }),
  );
} finally {
  stack.child.kill("SIGINT");
  await new Promise((resolve) => stack.child.on("exit", resolve));
  await rm(deployments, { recursive: true, force: true });
}

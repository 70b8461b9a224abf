import { execFile } from "node:child_process";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";

const root = path.resolve(import.meta.dirname, "..", "..");
const node = path.join(root, "node_modules", ".bin", "node");
const run = promisify(execFile);

/** Runs the `trimtab` CLI in the repository: its exit code and everything it printed (stdout, then stderr). */
export function trimtab(...args: string[]): Promise<{ code: number; output: string }> {
  return run(node, ["cli/trimtab.ts", ...args], { cwd: root }).then(
    ({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }),
    (error: { code: number; stdout: string; stderr: string }) => ({
      code: error.code,
      output: error.stdout + error.stderr,
    }),
  );
}

/**
 * Writes `<dir>/localhost.json`, a deployment record whose chain does not answer (127.0.0.1:1), of `contracts` (the
 * governance core at 0x…01 unless given): what a user has when the devnet is down. Returns the file.
 */
export async function writeUnreachableRecord(dir: string, contracts: Record<string, string> = {}): Promise<string> {
  const record = path.join(dir, "localhost.json");
  const one = "0x0000000000000000000000000000000000000001";
  const core = { TrimtabToken: one, TimelockController: one, TrimtabGovernor: one, ParameterRegistry: one };
  const fields = { network: "localhost", chainId: 31337, startBlock: 0, deployedAt: "", rpcUrl: "http://127.0.0.1:1" };
  await writeFile(record, JSON.stringify({ ...fields, contracts: { ...core, ...contracts } }));
  return record;
}

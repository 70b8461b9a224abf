import { execFile } from "node:child_process";
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

/**
 * `npm start` as a child process, for the tests and benchmarks that need the whole local stack running: `ready`
 * resolves once it prints "Ready.", and fails with everything it printed if it exits first.
 */
import { spawn, type ChildProcess } from "node:child_process";

export type StackProcess = {
  child: ChildProcess;
  /** Everything the stack has printed so far (stdout and stderr). */
  output(): string;
  ready: Promise<void>;
};

/** Runs `node devnet/start.ts ...args` in `root`. */
export function startStackProcess(node: string, root: string, args: readonly string[]): StackProcess {
  const child = spawn(node, ["devnet/start.ts", ...args], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (output.includes("Ready.")) {
        clearInterval(timer);
        resolve();
      } else if (child.exitCode !== null) {
        clearInterval(timer);
        reject(new Error(`npm start exited ${child.exitCode}:\n${output}`));
      }
    }, 200);
  });
  return { child, output: () => output, ready };
}

/** A server of the stack (the indexer, the web app) as a child process writing to its log, waited for until ready. */
import { spawn, type ChildProcess } from "node:child_process";
import { open } from "node:fs/promises";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");

export type LoggedProcessOptions = {
  /** Arguments to this Node (the script first). */
  args: readonly string[];
  /** Where it runs: the repository unless given. */
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  logFile: string;
  /** What it is, for errors: "the indexer". */
  what: string;
  /** True once it is ready; a throw gives up (the child is stopped and the error passed on). */
  ready: () => Promise<boolean>;
  pollMs: number;
  timeoutMs: number;
  /** The error when it is not ready in time. */
  timeoutMessage: string;
};

/** Starts the process and resolves once `ready` says so; stops it and throws when it exits, fails or times out. */
export async function startLoggedProcess(options: LoggedProcessOptions): Promise<ChildProcess> {
  const log = await open(options.logFile, "w");
  const child = spawn(process.execPath, options.args, {
    cwd: options.cwd ?? root,
    stdio: ["ignore", log.fd, log.fd],
    ...(options.env ? { env: options.env } : {}),
  });
  await log.close(); // the child holds its own copy of the descriptor
  const deadline = Date.now() + options.timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${options.what} exited with code ${child.exitCode}`);
    let ready: boolean;
    try {
      ready = await options.ready();
    } catch (error) {
      child.kill("SIGTERM");
      throw error;
    }
    if (ready) return child;
    await new Promise((resolve) => setTimeout(resolve, options.pollMs));
  }
  child.kill("SIGTERM");
  throw new Error(options.timeoutMessage);
}

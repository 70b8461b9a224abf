/** The web app in a child process: built when its sources are newer than its build, then served with Node. */
import { execFile, type ChildProcess } from "node:child_process";
import { stat } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { newest } from "../scripts/codegen/newest.ts";
import { startLoggedProcess } from "./loggedProcess.ts";

const root = path.resolve(import.meta.dirname, "..");
const webDir = path.join(root, "web");
/** Everything the app bundles: its own sources, the repository's modules it imports and the example queries. */
const sources = ["web/src", "web/vite.config.ts", "sim", "sdk", "parameters", "docs/queries"];

/** Builds web/ (vite build, SvelteKit's Node adapter) when any of its sources changed since the last build. */
export async function ensureWebBuilt(): Promise<string> {
  const output = path.join(webDir, "build");
  const times = await Promise.all(
    sources.map(async (s) => {
      const full = path.join(root, s);
      return (await stat(full)).isDirectory() ? newest(full) : (await stat(full)).mtimeMs;
    }),
  );
  if ((await newest(output)) < Math.max(...times)) {
    const vite = path.join(root, "node_modules", "vite", "bin", "vite.js");
    await promisify(execFile)(process.execPath, [vite, "build", "--logLevel", "warn"], {
      cwd: webDir,
      maxBuffer: 64 * 1024 * 1024,
    });
  }
  return output;
}

export type WebProcessOptions = {
  port: number;
  rpcUrl: string;
  graphqlUrl: string;
  deploymentFile: string;
  logFile: string;
};

/**
 * Starts the built app on 127.0.0.1:`port` and waits until it answers. It runs in its build folder, with nothing of
 * the repository read at run time but the deployment record it is given.
 */
export async function startWebProcess(options: WebProcessOptions, timeoutMs = 60_000): Promise<ChildProcess> {
  const build = await ensureWebBuilt();
  return startLoggedProcess({
    args: [build],
    cwd: build,
    env: {
      ...process.env,
      HOST: "127.0.0.1",
      PORT: String(options.port),
      ORIGIN: `http://127.0.0.1:${options.port}`,
      TRIMTAB_RPC_URL: options.rpcUrl,
      TRIMTAB_GRAPHQL_URL: options.graphqlUrl,
      TRIMTAB_DEPLOYMENT: path.resolve(root, options.deploymentFile),
    },
    logFile: options.logFile,
    what: "the web app",
    ready: () =>
      fetch(`http://127.0.0.1:${options.port}/api/health`)
        .then((r) => r.ok)
        .catch(() => false),
    pollMs: 250,
    timeoutMs,
    timeoutMessage: `the web app did not answer on port ${options.port} within ${timeoutMs / 1000} s`,
  });
}

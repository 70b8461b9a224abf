/** A Hardhat node in a child process, on this script's own Node (22, from the `node` package). */
import { spawn, type ChildProcess } from "node:child_process";
import { open } from "node:fs/promises";
import path from "node:path";
import { createPublicClient, http } from "viem";

const root = path.resolve(import.meta.dirname, "..");

/** The chain id at `rpcUrl`, or undefined when nothing answers there. */
export async function chainIdAt(rpcUrl: string): Promise<number | undefined> {
  try {
    return await createPublicClient({ transport: http(rpcUrl, { retryCount: 0 }) }).getChainId();
  } catch {
    return undefined;
  }
}

/** Starts `hardhat node` on 127.0.0.1:`port`, its output in `logFile`, and waits until it answers. */
export async function startHardhatNode(port: number, logFile: string, timeoutMs = 60_000): Promise<ChildProcess> {
  const log = await open(logFile, "w");
  const node = spawn(
    process.execPath,
    [
      path.join(root, "node_modules", "hardhat", "dist", "src", "cli.js"),
      "node",
      "--hostname",
      "127.0.0.1",
      "--port",
      String(port),
    ],
    { cwd: root, stdio: ["ignore", log.fd, log.fd], env: { ...process.env, HARDHAT_DISABLE_TELEMETRY: "true" } },
  );
  await log.close(); // the child holds its own copy of the descriptor
  const rpcUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (node.exitCode !== null) throw new Error(`the Hardhat node exited with code ${node.exitCode}`);
    if ((await chainIdAt(rpcUrl)) !== undefined) return node;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  node.kill("SIGTERM");
  throw new Error(`the Hardhat node did not answer on ${rpcUrl} within ${timeoutMs / 1000} s`);
}

/**
 * The impact simulation on a worker thread of its own, so that the caller's thread stays free for what runs beside
 * it: `proposal simulate` runs the dry run on a fork (JSON-RPC to the node, EDR) while the Monte Carlo takes the
 * other core. The report is the one `simulateNow` gives, bit for bit (the same code on the same request).
 */
import { Worker } from "node:worker_threads";
import type { ImpactReport } from "../../sim/report.ts";
import type { SimulationRequest } from "../../sim/simulate.ts";
import { threadScript } from "../threadScript.ts";

export type SimulationAnswer = { ok: true; report: ImpactReport } | { ok: false; message: string };

const script = threadScript(import.meta.url, "./simulationWorker.ts", "simulationThread");

/** Runs `simulateNow(request)` on a new worker thread; rejects with the simulation's own error. */
export function simulateInThread(request: SimulationRequest): Promise<ImpactReport> {
  const worker = new Worker(script);
  return new Promise<ImpactReport>((resolve, reject) => {
    worker.once("message", (answer: SimulationAnswer) =>
      answer.ok ? resolve(answer.report) : reject(new Error(answer.message)),
    );
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`the simulation's thread stopped (exit code ${code})`)));
    worker.postMessage(request);
  }).finally(() => void worker.terminate());
}

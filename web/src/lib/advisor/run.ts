/**
 * The advisor in this browser, on every core: one Web Worker (sim/advisor/worker.ts) per logical processor the
 * browser reports, pooled (sim/advisor/pool.ts). The workers live for one run: cancelling terminates them at once,
 * mid-batch, and the run ends as cancelled.
 */
import { advise, type AdvisorProgress, type AdvisorRequest } from "../../../../sim/advisor/advise.ts";
import { poolEvaluator } from "../../../../sim/advisor/pool.ts";
import type { AdvisorResult } from "../../../../sim/advisor/types.ts";
import { webWorkerPort } from "../../../../sim/advisor/webWorkerPort.ts";

/** How many workers a run starts: the browser's logical processors, at least one. */
export function workerCount(): number {
  const cores = globalThis.navigator?.hardwareConcurrency;
  return Number.isInteger(cores) && cores > 0 ? cores : 1;
}

export type AdvisorRun = {
  result: Promise<AdvisorResult>;
  /** How many Web Workers evaluate the sets. */
  workers: number;
  /** Stops the run: its workers are terminated and `result` rejects with `reason`. */
  cancel(reason?: Error): void;
};

/** Starts the advisor on `request` over a pool of Web Workers. */
export function runAdvisor(request: AdvisorRequest, onProgress: (progress: AdvisorProgress) => void): AdvisorRun {
  const workers = Array.from(
    { length: workerCount() },
    () => new Worker(new URL("../../../../sim/advisor/worker.ts", import.meta.url), { type: "module" }),
  );
  const controller = new AbortController();
  const stop = () => workers.forEach((w) => w.terminate());
  // A batch in flight when the workers are terminated never answers: the run ends on the abort, not on it.
  const aborted = new Promise<never>((_, reject) =>
    controller.signal.addEventListener("abort", () => reject(controller.signal.reason as Error), { once: true }),
  );
  const failed = new Promise<never>((_, reject) =>
    workers.forEach((w) =>
      w.addEventListener("error", (event) => reject(new Error(`a Web Worker failed: ${event.message || "no reason"}`))),
    ),
  );
  const result = Promise.race([
    advise(request, poolEvaluator(workers.map(webWorkerPort)), { onProgress, signal: controller.signal }),
    aborted,
    failed,
  ]).finally(stop);
  return {
    result,
    workers: workers.length,
    cancel: (reason = new Error("cancelled")) => {
      stop();
      controller.abort(reason);
    },
  };
}

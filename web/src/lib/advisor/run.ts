/**
 * The advisor in this browser, on every core: one Web Worker (sim/advisor/worker.ts) per logical processor the
 * browser reports, pooled (sim/advisor/pool.ts), after one more (requestWorker.ts) has built the request off the main
 * thread. The workers live for one run: cancelling terminates them at once, mid-batch, and the run ends as cancelled.
 */
import type { AdvisorSettings } from "../../../../sdk/advisor/request.ts";
import type { RegistrySnapshot } from "../../../../sdk/proposal/checks/types.ts";
import { advise, type AdvisorProgress, type AdvisorRequest } from "../../../../sim/advisor/advise.ts";
import { poolEvaluator } from "../../../../sim/advisor/pool.ts";
import type { AdvisorResult } from "../../../../sim/advisor/types.ts";
import { webWorkerPort } from "../../../../sim/advisor/webWorkerPort.ts";
import type { PriceHistory } from "../../../../sim/market/types.ts";
import type { SimulationRequest } from "../../../../sim/simulate.ts";

/** What the request is built from (sdk/advisor/request.ts `advisorRequest`'s arguments). */
export type RequestInputs = {
  base: Omit<SimulationRequest, "changes"> & { history?: PriceHistory };
  registry: Pick<RegistrySnapshot, "parameters">;
  settings: AdvisorSettings;
};
/** The request worker's answer: the request, or why it cannot be built (a drift it cannot use, named). */
export type RequestAnswer = { ok: true; request: AdvisorRequest } | { ok: false; message: string };

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

/** The request `worker` builds from `inputs`. */
function requestFrom(worker: Worker, inputs: RequestInputs): Promise<AdvisorRequest> {
  return new Promise((resolve, reject) => {
    worker.addEventListener("message", ({ data }: MessageEvent<RequestAnswer>) =>
      data.ok ? resolve(data.request) : reject(new Error(data.message)),
    );
    worker.postMessage(inputs);
  });
}

/**
 * Builds the advisor's request from `inputs` in a Web Worker, then runs the advisor on it over a pool of Web Workers;
 * `onPrepared` is called once the request is built (the search's progress follows).
 */
export function runAdvisor(
  inputs: RequestInputs,
  onProgress: (progress: AdvisorProgress) => void,
  onPrepared: () => void = () => {},
): AdvisorRun {
  const builder = new Worker(new URL("./requestWorker.ts", import.meta.url), { type: "module" });
  const workers = Array.from(
    { length: workerCount() },
    () => new Worker(new URL("../../../../sim/advisor/worker.ts", import.meta.url), { type: "module" }),
  );
  const controller = new AbortController();
  const stop = () => [builder, ...workers].forEach((w) => w.terminate());
  // A batch in flight when the workers are terminated never answers: the run ends on the abort, not on it.
  const aborted = new Promise<never>((_, reject) =>
    controller.signal.addEventListener("abort", () => reject(controller.signal.reason as Error), { once: true }),
  );
  const failed = new Promise<never>((_, reject) =>
    [builder, ...workers].forEach((w) =>
      w.addEventListener("error", (event) => reject(new Error(`a Web Worker failed: ${event.message || "no reason"}`))),
    ),
  );
  const search = async () => {
    const request = await requestFrom(builder, inputs);
    onPrepared();
    return advise(request, poolEvaluator(workers.map(webWorkerPort)), { onProgress, signal: controller.signal });
  };
  const result = Promise.race([search(), aborted, failed]).finally(stop);
  return {
    result,
    workers: workers.length,
    cancel: (reason = new Error("cancelled")) => {
      stop();
      controller.abort(reason);
    },
  };
}

/**
 * The page's side of the simulation worker (`sim/worker.ts`): runs a request, reports progress, and cancels the
 * run when the signal aborts (the promise then rejects with the signal's reason).
 */
import type { ImpactReport } from "./report.ts";
import type { Progress, SimulationRequest } from "./simulate.ts";
import type { WorkerRequest, WorkerResponse } from "./worker.ts";

/** What the client needs of a Worker (a browser `Worker` fits). */
export type WorkerLike = {
  postMessage(message: WorkerRequest): void;
  addEventListener(type: "message", listener: (event: { data: WorkerResponse }) => void): void;
  removeEventListener(type: "message", listener: (event: { data: WorkerResponse }) => void): void;
};

let nextId = 1;

export function runInWorker(
  worker: WorkerLike,
  request: SimulationRequest,
  options: { onProgress?: (progress: Progress) => void; signal?: AbortSignal } = {},
): Promise<ImpactReport> {
  const id = nextId++;
  return new Promise<ImpactReport>((resolve, reject) => {
    const { signal } = options;
    const onAbort = () => worker.postMessage({ type: "cancel", id });
    const listener = ({ data }: { data: WorkerResponse }) => {
      if (data.id !== id) return;
      if (data.type === "progress") {
        options.onProgress?.({ done: data.done, total: data.total });
        return;
      }
      worker.removeEventListener("message", listener);
      signal?.removeEventListener("abort", onAbort);
      if (data.type === "done") resolve(data.report);
      else if (data.type === "cancelled") reject(signal?.reason ?? new Error("the simulation was cancelled"));
      else reject(new Error(data.message));
    };
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    worker.addEventListener("message", listener);
    signal?.addEventListener("abort", onAbort);
    worker.postMessage({ type: "run", id, request });
  });
}

/** A Web Worker running sim/advisor/worker.ts, as a pool's port (pool.ts). */
import type { EvaluationPort, EvaluationRequest, EvaluationResponse } from "./pool.ts";

/** What the port needs of a Worker (a browser `Worker` fits). */
export type WebWorkerLike = {
  postMessage(message: EvaluationRequest): void;
  addEventListener(type: "message", listener: (event: { data: EvaluationResponse }) => void): void;
};

export function webWorkerPort(worker: WebWorkerLike): EvaluationPort {
  return {
    post: (request) => worker.postMessage(request),
    onAnswer: (handler) => worker.addEventListener("message", ({ data }) => handler(data)),
  };
}

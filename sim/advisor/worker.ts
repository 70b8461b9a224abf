/**
 * The advisor's evaluation as a Web Worker: bundle this file as the worker's script and give a pool of them to
 * `poolEvaluator` (pool.ts) through `webWorkerPort`.
 */
import { answerEvaluation, type EvaluationRequest, type EvaluationResponse } from "./pool.ts";

/** The parts of a worker's global scope this file uses (the project's TypeScript has no DOM library). */
type WorkerScope = {
  onmessage: ((event: { data: EvaluationRequest }) => void) | null;
  postMessage(message: EvaluationResponse, transfer: ArrayBuffer[]): void;
};

const scope = globalThis as unknown as WorkerScope;
scope.onmessage = ({ data }) => {
  const { response, transfer } = answerEvaluation(data);
  scope.postMessage(response, transfer);
};

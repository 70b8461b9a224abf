/**
 * The advisor's evaluator over Node worker threads, one per core by default: `withThreadPool(fn)` starts them, hands
 * `fn` the evaluator, and stops them when `fn` settles.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import { poolEvaluator, type EvaluationResponse } from "../../sim/advisor/pool.ts";
import type { Evaluator } from "../../sim/advisor/types.ts";
import { threadScript } from "../threadScript.ts";

const workerScript = threadScript(import.meta.url, "./threadWorker.ts", "advisorThread");

/** Runs `fn` with an evaluator over `threads` worker threads (default: the machine's cores), then stops them. */
export async function withThreadPool<T>(
  fn: (evaluate: Evaluator, threads: number) => Promise<T>,
  threads: number = availableParallelism(),
): Promise<T> {
  if (!(Number.isInteger(threads) && threads >= 1 && threads <= 256))
    throw new Error(`threads must be a whole number from 1 to 256, got ${threads}`);
  const workers = Array.from({ length: threads }, () => new Worker(workerScript));
  let failed: ((error: Error) => void) | undefined;
  const failure = new Promise<never>((_, reject) => (failed = reject));
  failure.catch(() => undefined);
  for (const worker of workers) worker.on("error", (error) => failed?.(error));
  const evaluate = poolEvaluator(
    workers.map((worker) => ({
      post: (request) => worker.postMessage(request),
      onAnswer: (handler) => worker.on("message", (response: EvaluationResponse) => handler(response)),
    })),
  );
  const guarded: Evaluator = (base, sets) => Promise.race([evaluate(base, sets), failure]);
  try {
    return await fn(guarded, threads);
  } finally {
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}

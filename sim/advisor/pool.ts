/**
 * Evaluation spread over workers (worker threads in Node, Web Workers in a browser): the sets of a batch are cut into
 * one contiguous slice per worker, each worker evaluates its slice on the same paths (sim/advisor/evaluate.ts), and
 * the slices are joined back in order, so a pool gives the same numbers as evaluating in one thread.
 *
 * The message protocol is this file's; `answerEvaluation` is a worker's side of it (sim/advisor/worker.ts for the
 * browser, sdk/advisor/threadWorker.ts for Node).
 */
import type { StrategyParams } from "../model/types.ts";
import { evaluateSets } from "./evaluate.ts";
import type { EvaluationBase, Evaluator, SetEvaluation } from "./types.ts";

export type EvaluationRequest = { id: number; base: EvaluationBase; sets: readonly StrategyParams[] };
export type EvaluationResponse =
  { id: number; ok: true; evaluations: SetEvaluation[] } | { id: number; ok: false; message: string };

/** A worker's side: evaluates a request; the returns' buffers are listed to be transferred, not copied. */
export function answerEvaluation(request: EvaluationRequest): {
  response: EvaluationResponse;
  transfer: ArrayBuffer[];
} {
  try {
    const evaluations = evaluateSets(request.base, request.sets);
    return {
      response: { id: request.id, ok: true, evaluations },
      transfer: evaluations.map((e) => e.returns.buffer as ArrayBuffer),
    };
  } catch (error) {
    return {
      response: { id: request.id, ok: false, message: error instanceof Error ? error.message : String(error) },
      transfer: [],
    };
  }
}

/** What the pool needs of a worker: a Web Worker, or a Node worker thread behind a small adapter. */
export type EvaluationPort = {
  post(request: EvaluationRequest): void;
  /** Registers the handler of the worker's answers (one per port). */
  onAnswer(handler: (response: EvaluationResponse) => void): void;
};

/** Cuts `count` items into `parts` contiguous slices as even as can be (the first ones one longer). */
export function slices(count: number, parts: number): { start: number; end: number }[] {
  const used = Math.max(1, Math.min(parts, count));
  const size = Math.floor(count / used);
  const extra = count % used;
  let start = 0;
  return Array.from({ length: used }, (_, i) => {
    const end = start + size + (i < extra ? 1 : 0);
    const slice = { start, end };
    start = end;
    return slice;
  });
}

/** An evaluator over `ports`: each batch's sets are split between them, and answered in order. */
export function poolEvaluator(ports: readonly EvaluationPort[]): Evaluator {
  if (ports.length === 0) throw new Error("a pool needs at least one worker");
  let nextId = 1;
  const waiting = new Map<number, { resolve: (e: SetEvaluation[]) => void; reject: (error: Error) => void }>();
  for (const port of ports)
    port.onAnswer((response) => {
      const pending = waiting.get(response.id);
      if (!pending) return;
      waiting.delete(response.id);
      if (response.ok) pending.resolve(response.evaluations);
      else pending.reject(new Error(response.message));
    });
  const ask = (port: EvaluationPort, base: EvaluationBase, sets: readonly StrategyParams[]) =>
    new Promise<SetEvaluation[]>((resolve, reject) => {
      const id = nextId++;
      waiting.set(id, { resolve, reject });
      port.post({ id, base, sets });
    });
  return async (base, sets) => {
    if (sets.length === 0) return [];
    const parts = slices(sets.length, ports.length);
    const answers = await Promise.all(parts.map((s, i) => ask(ports[i]!, base, sets.slice(s.start, s.end))));
    return answers.flat();
  };
}

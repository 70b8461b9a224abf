/**
 * The simulation as a Web Worker: bundle this file as the worker's script. It answers `run` with `progress`
 * messages, then `done` with the report (or `error`), and stops a run at `cancel` (answering `cancelled`).
 * `sim/workerClient.ts` is the page's side.
 */
import { simulate, type SimulationRequest } from "./simulate.ts";
import type { ImpactReport } from "./report.ts";

export type WorkerRequest = { type: "run"; id: number; request: SimulationRequest } | { type: "cancel"; id: number };
export type WorkerResponse =
  | { type: "progress"; id: number; done: number; total: number }
  | { type: "done"; id: number; report: ImpactReport }
  | { type: "error"; id: number; message: string }
  | { type: "cancelled"; id: number };

/** The parts of a worker's global scope this file uses (the project's TypeScript has no DOM library). */
type WorkerScope = {
  onmessage: ((event: { data: WorkerRequest }) => void) | null;
  postMessage(message: WorkerResponse): void;
};

const scope = globalThis as unknown as WorkerScope;
const running = new Map<number, AbortController>();

scope.onmessage = ({ data }) => {
  if (data.type === "cancel") {
    running.get(data.id)?.abort();
    return;
  }
  const { id, request } = data;
  const controller = new AbortController();
  running.set(id, controller);
  simulate(request, {
    signal: controller.signal,
    onProgress: ({ done, total }) => scope.postMessage({ type: "progress", id, done, total }),
  })
    .then((report) => scope.postMessage({ type: "done", id, report }))
    .catch((error: unknown) =>
      scope.postMessage(
        controller.signal.aborted
          ? { type: "cancelled", id }
          : { type: "error", id, message: error instanceof Error ? error.message : String(error) },
      ),
    )
    .finally(() => running.delete(id));
};

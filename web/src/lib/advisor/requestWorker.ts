/**
 * The advisor's request built in a Web Worker (see run.ts): fitting the comparison models (Student-t, GARCH, regimes)
 * to the feeds' history takes about a second, which on the page's main thread would freeze it (its progress and
 * Cancel included) between the click and the search's first batch.
 */
import { advisorRequest } from "../../../../sdk/advisor/request.ts";
import type { RequestAnswer, RequestInputs } from "./run.ts";

/** The parts of a worker's global scope this file uses. */
type WorkerScope = {
  onmessage: ((event: { data: RequestInputs }) => void) | null;
  postMessage(message: RequestAnswer): void;
};

const scope = globalThis as unknown as WorkerScope;
scope.onmessage = ({ data }) => {
  try {
    scope.postMessage({ ok: true, request: advisorRequest(data.base, data.registry, data.settings) });
  } catch (error) {
    scope.postMessage({ ok: false, message: error instanceof Error ? error.message : String(error) });
  }
};

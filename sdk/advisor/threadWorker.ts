/** The advisor's evaluation in a Node worker thread (see threads.ts). */
import { parentPort } from "node:worker_threads";
import { answerEvaluation, type EvaluationRequest } from "../../sim/advisor/pool.ts";

if (!parentPort) throw new Error("sdk/advisor/threadWorker.ts runs as a worker thread (see threads.ts)");
const port = parentPort;
port.on("message", (request: EvaluationRequest) => {
  const { response, transfer } = answerEvaluation(request);
  port.postMessage(response, transfer);
});

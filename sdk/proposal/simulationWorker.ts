/** The impact simulation in a Node worker thread (see simulationThread.ts): one request in, its report out. */
import { parentPort } from "node:worker_threads";
import { simulateNow, type SimulationRequest } from "../../sim/simulate.ts";
import type { SimulationAnswer } from "./simulationThread.ts";

if (!parentPort) throw new Error("sdk/proposal/simulationWorker.ts runs as a worker thread (see simulationThread.ts)");
const port = parentPort;
port.once("message", (request: SimulationRequest) => {
  let answer: SimulationAnswer;
  try {
    answer = { ok: true, report: simulateNow(request) };
  } catch (error) {
    answer = { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(answer);
});

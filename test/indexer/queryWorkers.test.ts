import { afterEach, describe, expect, it } from "vitest";
import { defaultQueryLimits } from "../../indexer/graphql/limits.ts";
import { startQueryWorker, startQueryWorkers, type QueryWorker } from "../../indexer/graphql/queryWorkers.ts";

const misbehaving = new URL("./fixtures/misbehavingQueryWorker.ts", import.meta.url);
const options = (log: string[]) => ({
  data: {
    subgraphDir: "",
    namespace: "",
    name: "t",
    deployment: "QmT",
    limits: { ...defaultQueryLimits, queryTimeoutSec: 1 },
  },
  heapMb: 64,
  log: (message: string) => log.push(message),
  script: misbehaving,
});
/** The thread that answered `query`. */
const threadOf = async (worker: QueryWorker, query: string) =>
  (JSON.parse(await worker.execute({ query })) as { data: { threadId: number } }).data.threadId;
const until = async (done: () => boolean) => {
  while (!done()) await new Promise((resolve) => setTimeout(resolve, 10));
};

describe("query workers: one that dies or hangs is replaced, and the requests it held are refused to be retried", () => {
  let worker: QueryWorker | undefined;
  afterEach(async () => await worker?.close());

  it("replaces a worker whose thread ended, refusing the query it was running", async () => {
    const log: string[] = [];
    worker = await startQueryWorker(options(log));
    const first = await threadOf(worker, "{ a }");
    await expect(worker.execute({ query: "{ die }" })).rejects.toThrow(
      "The query worker stopped while running this query: retry",
    );
    await until(() => worker!.ready());
    expect(worker.restarts()).toBe(1);
    expect(await threadOf(worker, "{ b }")).not.toBe(first);
    expect(log).toEqual(["the query worker stopped (exit code 3); starting a new one"]);
  });

  it("replaces a worker a query holds past GRAPH_GRAPHQL_QUERY_TIMEOUT and 5 s, refusing every request it held", async () => {
    const log: string[] = [];
    worker = await startQueryWorker(options(log));
    const first = await threadOf(worker, "{ a }");
    const started = performance.now();
    const held = [worker.execute({ query: "{ hang }" }), worker.execute({ query: "{ queued behind it }" })];
    for (const request of held) await expect(request).rejects.toThrow("stopped while running this query");
    const heldMs = performance.now() - started;
    expect(heldMs).toBeGreaterThanOrEqual(6_000 - 50);
    expect(heldMs).toBeLessThan(8_000);
    // While the new worker starts, a request is refused at once rather than left waiting.
    await expect(worker.execute({ query: "{ early }" })).rejects.toThrow("restarting");
    await until(() => worker!.ready());
    expect(await threadOf(worker, "{ b }")).not.toBe(first);
    expect(log[0]).toBe("a query held the query worker 6000 ms; replacing the worker");
  }, 15_000);

  it("with several workers, sends requests to those up while one is replaced", async () => {
    worker = await startQueryWorkers(options([]), 2);
    const threads = new Set(await Promise.all(["{ a }", "{ b }"].map((q) => threadOf(worker!, q))));
    expect(threads.size).toBe(2);
    await expect(worker.execute({ query: "{ die }" })).rejects.toThrow("stopped");
    // Where one worker alone would refuse a request while it is replaced, the other answers it.
    expect(await threadOf(worker, "{ c }")).toBeTypeOf("number");
    await until(() => worker!.restarts() === 1 && worker!.inFlight() === 0);
    expect(worker.ready()).toBe(true);
  });
});

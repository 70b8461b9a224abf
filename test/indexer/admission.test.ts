import { describe, expect, it } from "vitest";
import { admission, defaultLoadLimits, loadLimitsFromEnv, shed } from "../../indexer/graphql/admission.ts";

/** A query that takes `ms` and answers `value`. */
const work =
  <T>(ms: number, value: T) =>
  () =>
    new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

describe("load shedding (GRAPH_LOAD_THRESHOLD)", () => {
  it("runs at most maxConcurrent queries at once; the next waits for a place and runs", async () => {
    const queries = admission({ maxConcurrent: 2, thresholdMs: 0 });
    const answers = [queries.run(work(50, "a")), queries.run(work(50, "b")), queries.run(work(10, "c"))];
    expect(queries.stats()).toMatchObject({ running: 2, waiting: 1 });
    expect(await Promise.all(answers)).toEqual(["a", "b", "c"]);
    expect(queries.stats()).toMatchObject({ running: 0, waiting: 0, served: 3, shed: 0 });
  });

  it("sheds a request that has waited past the threshold, long before the places free up", async () => {
    const queries = admission({ maxConcurrent: 1, thresholdMs: 50 });
    const slow = queries.run(work(400, "slow"));
    const started = performance.now();
    expect(await queries.run(work(1, "next"))).toBe(shed);
    const waitedMs = performance.now() - started;
    expect(waitedMs).toBeGreaterThanOrEqual(45);
    expect(waitedMs).toBeLessThan(300);
    expect(await slow).toBe("slow");
    expect(queries.stats()).toMatchObject({ served: 1, shed: 1 });
  });

  it("sheds at once a request whose wait, judged from the recent time per query, would pass the threshold", async () => {
    const queries = admission({ maxConcurrent: 1, thresholdMs: 150 });
    // Queries of 100 ms: with one running, the first in line would wait about 100 ms, the second about 200 ms.
    for (let i = 0; i < 30; i++) await queries.run(work(100, i));
    const running = queries.run(work(100, "running"));
    const first = queries.run(work(100, "first"));
    const started = performance.now();
    expect(await queries.run(work(100, "second"))).toBe(shed);
    expect(performance.now() - started).toBeLessThan(20);
    expect(await Promise.all([running, first])).toEqual(["running", "first"]);
  });

  it("reads its limits from the environment, 0 turning shedding off as in graph-node, and names a bad value", () => {
    expect(loadLimitsFromEnv({})).toEqual(defaultLoadLimits);
    expect(loadLimitsFromEnv({ GRAPH_LOAD_THRESHOLD: "0", TRIMTAB_GRAPHQL_MAX_CONCURRENT: "4" })).toEqual({
      maxConcurrent: 4,
      thresholdMs: 0,
    });
    expect(() => loadLimitsFromEnv({ GRAPH_LOAD_THRESHOLD: "soon" })).toThrow(
      'GRAPH_LOAD_THRESHOLD must be an integer of at least 0, got "soon"',
    );
  });
});

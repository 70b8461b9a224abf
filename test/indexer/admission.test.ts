import { describe, expect, it } from "vitest";
import { abandoned, admission, defaultLoadLimits, loadLimitsFromEnv, shed } from "../../indexer/graphql/admission.ts";
import { startQueryServer } from "../../indexer/graphql/server.ts";

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

  it("takes a request out of the line when its client leaves: it never runs and its place goes to the next", async () => {
    const queries = admission({ maxConcurrent: 1, thresholdMs: 0 });
    const ran: string[] = [];
    const tracked = (name: string) => () => (ran.push(name), work(30, name)());
    const first = queries.run(tracked("first"));
    const client = new AbortController();
    const gone = queries.run(tracked("gone"), client.signal);
    const next = queries.run(tracked("next"));
    client.abort();
    expect(await gone).toBe(abandoned);
    expect(queries.stats()).toMatchObject({ running: 1, waiting: 1, abandoned: 1 });
    expect(await Promise.all([first, next])).toEqual(["first", "next"]);
    expect(ran).toEqual(["first", "next"]);
    // A client already gone never enters the line.
    expect(await queries.run(tracked("late"), AbortSignal.abort())).toBe(abandoned);
    expect(queries.stats()).toMatchObject({ served: 2, abandoned: 2, waiting: 0 });
  });

  it("over HTTP, a client that hangs up while its request waits in line costs no query", async () => {
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const executed: string[] = [];
    const server = await startQueryServer({
      name: "t",
      deployment: "QmT",
      load: { maxConcurrent: 1, thresholdMs: 0 },
      execute: async (request) => {
        executed.push(String(request.query));
        await gate;
        return { data: { answered: request.query } };
      },
      port: 0,
    });
    const { port } = server.address() as { port: number };
    const post = (query: string, signal?: AbortSignal) =>
      fetch(`http://127.0.0.1:${port}/subgraphs/name/t`, { method: "POST", body: JSON.stringify({ query }), signal });
    const until = async (done: () => boolean) => {
      while (!done()) await new Promise((resolve) => setTimeout(resolve, 5));
    };
    try {
      const running = post("{ running }");
      await until(() => server.load().running === 1);
      const client = new AbortController();
      const leaving = post("{ leaving }", client.signal).catch((error: Error) => error.name);
      await until(() => server.load().waiting === 1);
      client.abort();
      expect(await leaving).toBe("AbortError");
      await until(() => server.load().abandoned === 1);
      expect(server.load().waiting).toBe(0);
      release();
      expect(await (await running).json()).toEqual({ data: { answered: "{ running }" } });
      expect(executed).toEqual(["{ running }"]);
    } finally {
      release();
      server.close();
    }
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

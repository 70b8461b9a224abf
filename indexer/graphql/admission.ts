/**
 * Load shedding for the query API. At most `maxConcurrent` queries run at once; the rest wait in line. A request that
 * would wait longer than `GRAPH_LOAD_THRESHOLD` (judged from the recent time per query), or has waited that long, is
 * shed: answered at once with 503 and `Retry-After` rather than left to time out, so that under any load every
 * request is answered within about the threshold plus one query's time. A request whose client has left (its `signal`
 * aborted) leaves the line at once, so that a crowd that gave up costs no query.
 */
import { integerFromEnv } from "./limits.ts";

export type LoadLimits = {
  /** `TRIMTAB_GRAPHQL_MAX_CONCURRENT` (16): queries running at once; more wait in line. */
  maxConcurrent: number;
  /**
   * `GRAPH_LOAD_THRESHOLD`, in milliseconds (1000; graph-node's 0, which it also accepts, turns shedding off): the
   * longest a request may wait in line.
   */
  thresholdMs: number;
};

export const defaultLoadLimits: LoadLimits = { maxConcurrent: 16, thresholdMs: 1000 };

/** The load limits from the environment (a bad value names itself). */
export function loadLimitsFromEnv(env: Record<string, string | undefined> = process.env): LoadLimits {
  return {
    maxConcurrent: integerFromEnv(env, "TRIMTAB_GRAPHQL_MAX_CONCURRENT", defaultLoadLimits.maxConcurrent),
    thresholdMs: integerFromEnv(env, "GRAPH_LOAD_THRESHOLD", defaultLoadLimits.thresholdMs, 0),
  };
}

/** What was refused for load. */
export const shed: unique symbol = Symbol("shed");
/** What left the line because its client left (its signal aborted) before a place was free. */
export const abandoned: unique symbol = Symbol("abandoned");

export type LoadStats = {
  running: number;
  waiting: number;
  served: number;
  shed: number;
  /** Requests whose client left while they waited: never run. */
  abandoned: number;
  recentQueryMs: number;
};

export type Admission = {
  /**
   * Runs `work` when a place is free, or answers `shed` when the wait would pass the threshold, or `abandoned` when
   * `signal` aborts before a place is free.
   */
  run<T>(work: () => Promise<T>, signal?: AbortSignal): Promise<T | typeof shed | typeof abandoned>;
  stats(): LoadStats;
};

export function admission(limits: LoadLimits): Admission {
  let running = 0;
  let served = 0;
  let refused = 0;
  let left = 0;
  /** The recent time per query (exponentially weighted), in milliseconds. */
  let recentQueryMs = 10;
  const line: { start: () => void }[] = [];

  const runNow = async <T>(work: () => Promise<T>): Promise<T> => {
    running++;
    const started = performance.now();
    try {
      return await work();
    } finally {
      running--;
      served++;
      recentQueryMs = 0.9 * recentQueryMs + 0.1 * (performance.now() - started);
      while (running < limits.maxConcurrent && line.length > 0) line.shift()!.start();
    }
  };

  return {
    run<T>(work: () => Promise<T>, signal?: AbortSignal): Promise<T | typeof shed | typeof abandoned> {
      if (signal?.aborted) {
        left++;
        return Promise.resolve(abandoned);
      }
      if (running < limits.maxConcurrent && line.length === 0) return runNow(work);
      const shedding = limits.thresholdMs > 0;
      const expectedWaitMs = ((line.length + 1) * recentQueryMs) / limits.maxConcurrent;
      if (shedding && expectedWaitMs > limits.thresholdMs) {
        refused++;
        return Promise.resolve(shed);
      }
      return new Promise((resolve) => {
        /** Takes this request out of the line: it runs, or it is answered without running. */
        const leave = () => {
          line.splice(line.indexOf(place), 1);
          clearTimeout(timer);
          signal?.removeEventListener("abort", onAbort);
        };
        const place = {
          start: () => {
            clearTimeout(timer);
            signal?.removeEventListener("abort", onAbort);
            resolve(runNow(work));
          },
        };
        const onAbort = () => {
          leave();
          left++;
          resolve(abandoned);
        };
        const timer = shedding
          ? setTimeout(() => {
              leave();
              refused++;
              resolve(shed);
            }, limits.thresholdMs)
          : undefined;
        signal?.addEventListener("abort", onAbort, { once: true });
        line.push(place);
      });
    },
    stats: () => ({ running, waiting: line.length, served, shed: refused, abandoned: left, recentQueryMs }),
  };
}

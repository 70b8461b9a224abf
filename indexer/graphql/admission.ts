/**
 * Load shedding for the query API. At most `maxConcurrent` queries run at once; the rest wait in line. A request that
 * would wait longer than `GRAPH_LOAD_THRESHOLD` (judged from the recent time per query), or has waited that long, is
 * shed: answered at once with 503 and `Retry-After` rather than left to time out, so that under any load every
 * request is answered within about the threshold plus one query's time.
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

export type LoadStats = { running: number; waiting: number; served: number; shed: number; recentQueryMs: number };

export type Admission = {
  /** Runs `work` when a place is free, or answers `shed` when the wait would pass the threshold. */
  run<T>(work: () => Promise<T>): Promise<T | typeof shed>;
  stats(): LoadStats;
};

export function admission(limits: LoadLimits): Admission {
  let running = 0;
  let served = 0;
  let refused = 0;
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
    run<T>(work: () => Promise<T>): Promise<T | typeof shed> {
      if (running < limits.maxConcurrent && line.length === 0) return runNow(work);
      const shedding = limits.thresholdMs > 0;
      const expectedWaitMs = ((line.length + 1) * recentQueryMs) / limits.maxConcurrent;
      if (shedding && expectedWaitMs > limits.thresholdMs) {
        refused++;
        return Promise.resolve(shed);
      }
      return new Promise((resolve) => {
        const place = {
          start: () => {
            clearTimeout(timer);
            resolve(runNow(work));
          },
        };
        const timer = shedding
          ? setTimeout(() => {
              line.splice(line.indexOf(place), 1);
              refused++;
              resolve(shed);
            }, limits.thresholdMs)
          : undefined;
        line.push(place);
      });
    },
    stats: () => ({ running, waiting: line.length, served, shed: refused, recentQueryMs }),
  };
}

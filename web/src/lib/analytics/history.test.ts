import { describe, expect, it } from "vitest";
import {
  historyKey,
  historyTitle,
  readHistory,
  recordRun,
  writeHistory,
  type HistoryEntry,
  type HistoryStorage,
} from "./history.ts";

/** An in-memory Storage; `full` makes it refuse writes as a browser over its quota does. */
function memoryStorage(full = false): HistoryStorage & { items: Map<string, string> } {
  const items = new Map<string, string>();
  return {
    items,
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => {
      if (full) throw new Error("QuotaExceededError");
      items.set(key, value);
    },
    removeItem: (key) => void items.delete(key),
  };
}

const run = (query: string, ranAtMs: number, variables = ""): HistoryEntry => ({ query, variables, ranAtMs });

describe("recordRun", () => {
  it("puts the latest run first", () => {
    expect(recordRun([run("{ a }", 1)], run("{ b }", 2))).toEqual([run("{ b }", 2), run("{ a }", 1)]);
  });

  it("keeps a query once: running it again moves it to the top with its new time", () => {
    const history = [run("{ b }", 2), run("{ a }", 1)];
    expect(recordRun(history, run("{ a }\n", 3))).toEqual([run("{ a }\n", 3), run("{ b }", 2)]);
  });

  it("keeps the same query with other variables apart", () => {
    expect(recordRun([run("{ a }", 1, '{"n":1}')], run("{ a }", 2, '{"n":2}'))).toHaveLength(2);
  });

  it("keeps at most the limit, dropping the oldest", () => {
    const history = [run("{ c }", 3), run("{ b }", 2), run("{ a }", 1)];
    expect(recordRun(history, run("{ d }", 4), 3).map((e) => e.query)).toEqual(["{ d }", "{ c }", "{ b }"]);
  });
});

describe("readHistory and writeHistory", () => {
  it("store the history under its key and read it back", () => {
    const storage = memoryStorage();
    const history = [run("{ b }", 2), run("{ a }", 1)];
    expect(writeHistory(storage, history)).toBe("");
    expect(JSON.parse(storage.items.get(historyKey)!)).toEqual(history);
    expect(readHistory(storage)).toEqual(history);
  });

  it("remove the key when the history is cleared", () => {
    const storage = memoryStorage();
    writeHistory(storage, [run("{ a }", 1)]);
    writeHistory(storage, []);
    expect(storage.items.has(historyKey)).toBe(false);
    expect(readHistory(storage)).toEqual([]);
  });

  it("read no history from no storage, from text that is not JSON, or from JSON that is not a history", () => {
    expect(readHistory(undefined)).toEqual([]);
    const storage = memoryStorage();
    storage.items.set(historyKey, "{not json");
    expect(readHistory(storage)).toEqual([]);
    storage.items.set(historyKey, '{"query":"{ a }"}');
    expect(readHistory(storage)).toEqual([]);
    storage.items.set(historyKey, JSON.stringify([run("{ a }", 1), { query: 5 }, null]));
    expect(readHistory(storage)).toEqual([run("{ a }", 1)]);
  });

  it("say why the history could not be stored, never throwing", () => {
    expect(writeHistory(memoryStorage(true), [run("{ a }", 1)])).toBe(
      "The history could not be saved: QuotaExceededError",
    );
    expect(writeHistory(undefined, [])).toBe("This browser keeps no history (no localStorage).");
  });
});

describe("historyTitle", () => {
  it("names an example by its comment's title", () => {
    expect(historyTitle("# The worst fills: the five trades.\n{ trades { id } }")).toBe("The worst fills");
  });

  it("names another query by its text on one line, comments left out, cut with an ellipsis", () => {
    expect(historyTitle("{\n  vaults {\n    nope\n  }\n}")).toBe("{ vaults { nope } }");
    expect(historyTitle("{ a } # why\n", 80)).toBe("{ a }");
    expect(historyTitle(`{ ${"x ".repeat(60)}}`, 10)).toBe("{ x x x x…");
  });
});

/**
 * The console's query history, kept in the browser's localStorage: the queries run, most recent first, each once
 * (running a query again moves it to the top), at most `historyLimit` of them.
 */

/** One query run: its text, its variables' text, and when it last ran (ms since the epoch). */
export type HistoryEntry = { query: string; variables: string; ranAtMs: number };

/** The localStorage key of the history. */
export const historyKey = "trimtab.analytics.history";

/** How many queries the history keeps. */
export const historyLimit = 30;

/** The part of the Storage API the history uses. */
export type HistoryStorage = Pick<Storage, "getItem" | "setItem" | "removeItem">;

/** The history with `entry` first, an earlier run of the same query and variables taken out, cut to `limit`. */
export function recordRun(entries: readonly HistoryEntry[], entry: HistoryEntry, limit = historyLimit): HistoryEntry[] {
  const same = (e: HistoryEntry) =>
    e.query.trim() === entry.query.trim() && e.variables.trim() === entry.variables.trim();
  return [entry, ...entries.filter((e) => !same(e))].slice(0, limit);
}

function isEntry(value: unknown): value is HistoryEntry {
  if (typeof value !== "object" || value === null) return false;
  const e = value as Record<string, unknown>;
  return typeof e.query === "string" && typeof e.variables === "string" && typeof e.ranAtMs === "number";
}

/** The stored history; none when nothing is stored, or when what is stored is not a history (it is then ignored). */
export function readHistory(storage: HistoryStorage | undefined): HistoryEntry[] {
  let text: string | null = null;
  try {
    text = storage?.getItem(historyKey) ?? null;
  } catch {
    return []; // storage refused (a browser's privacy mode)
  }
  if (text === null) return [];
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value.filter(isEntry).slice(0, historyLimit) : [];
  } catch {
    return [];
  }
}

/** Stores the history (an empty one is removed); returns why it could not be stored, or "" when it was. */
export function writeHistory(storage: HistoryStorage | undefined, entries: readonly HistoryEntry[]): string {
  if (!storage) return "This browser keeps no history (no localStorage).";
  try {
    if (entries.length === 0) storage.removeItem(historyKey);
    else storage.setItem(historyKey, JSON.stringify(entries));
    return "";
  } catch (error) {
    return `The history could not be saved: ${(error as Error).message}`;
  }
}

/**
 * A query's name in the history: the title of its `# <title>: …` comment (the examples'), or else its text on one
 * line, cut to `maxChars`.
 */
export function historyTitle(query: string, maxChars = 80): string {
  const header = /^\s*#\s*(.+?):\s/.exec(query);
  if (header) return header[1]!;
  const oneLine = query
    .replace(/#[^\n]*/g, " ")
    .replace(/\s+/g, " ")
    .trim();
  return oneLine.length > maxChars ? `${oneLine.slice(0, maxChars - 1)}…` : oneLine;
}

/**
 * A price history the user gives as a file, for calibration when the chain's feeds are not to be read (another
 * source, a longer past, a what-if). Two formats, the same content: one row per time, one USD price per asset.
 *
 * CSV (`.csv`): a header `time,<SYMBOL>,<SYMBOL>,…` then one row per time; blank lines and lines starting with `#`
 * are skipped.
 *
 *     time,USDC,WETH,WBTC
 *     2025-01-01,1.0001,3350.12,94000
 *     2025-01-02T00:00:00Z,0.9998,3401.5,95210.5
 *
 * JSON (`.json`): an array of objects, each `{ "time": …, "<SYMBOL>": <price>, … }`.
 *
 * `time` is unix seconds (a whole number) or an ISO 8601 date or date-time (UTC unless it says otherwise); times
 * strictly increase. A price is a positive number: USD per whole token. Every asset of the vault needs a column;
 * other columns are ignored. Browser-safe: it takes the file's text.
 */
import type { PriceHistory } from "./market/types.ts";

/** A history file's content: its symbols (columns) and rows, times in unix seconds. */
export type PriceHistoryTable = {
  symbols: readonly string[];
  rows: readonly { timeSeconds: number; pricesUsd: readonly number[] }[];
};

/**
 * Parses a history file's text; `fileName` (its extension picks the format, else its first character: `[` for
 * JSON) is named in every error, with the line (CSV) or entry (JSON) and the field at fault.
 */
export function parsePriceHistoryFile(text: string, fileName: string): PriceHistoryTable {
  const json = /\.json$/i.test(fileName) || (!/\.csv$/i.test(fileName) && text.trimStart().startsWith("["));
  return json ? parseJson(text, fileName) : parseCsv(text, fileName);
}

/**
 * The columns of `symbols` (the vault's assets, in its order) sampled on a grid of `stepSeconds` from the file's
 * first time to its last: at each grid time, the last row at or before it. Errors name a symbol the file lacks.
 */
export function priceHistoryFromTable(
  table: PriceHistoryTable,
  symbols: readonly string[],
  fileName: string,
  stepSeconds = 86_400,
): PriceHistory {
  const columns = symbols.map((symbol) => {
    const column = table.symbols.indexOf(symbol);
    if (column < 0)
      throw new Error(
        `${fileName}: no column for ${symbol} (the vault holds ${symbols.join(", ")}; the file has ` +
          `${table.symbols.join(", ") || "none"})`,
      );
    return column;
  });
  const first = table.rows[0]!.timeSeconds;
  const last = table.rows[table.rows.length - 1]!.timeSeconds;
  const timestamps: number[] = [];
  for (let t = first; t <= last; t += stepSeconds) timestamps.push(t);
  let row = 0;
  const pricesUsd = timestamps.map((t) => {
    while (row + 1 < table.rows.length && table.rows[row + 1]!.timeSeconds <= t) row++;
    return columns.map((c) => table.rows[row]!.pricesUsd[c]!);
  });
  return { symbols, timestamps, pricesUsd };
}

function parseCsv(text: string, fileName: string): PriceHistoryTable {
  const lines = text.split(/\r?\n/).map((line, i) => ({ line, number: i + 1 }));
  const content = lines.filter(({ line }) => line.trim() !== "" && !line.trimStart().startsWith("#"));
  const header = content[0];
  if (!header) throw new Error(`${fileName}: empty: expected a header line "time,<SYMBOL>,…" and rows`);
  const names = header.line.split(",").map((name) => name.trim());
  const at = (number: number) => `${fileName}: line ${number}`;
  if (names[0] !== "time")
    throw new Error(`${at(header.number)}: the header's first field must be "time", got "${names[0]}"`);
  const symbols = names.slice(1);
  checkSymbols(symbols, (message) => `${at(header.number)}: ${message}`);
  const rows = content.slice(1).map(({ line, number }) => {
    const fields = line.split(",").map((field) => field.trim());
    if (fields.length !== names.length)
      throw new Error(
        `${at(number)}: ${fields.length} fields, but the header has ${names.length} (${names.join(",")})`,
      );
    return {
      timeSeconds: parseTime(fields[0]!, (message) => `${at(number)}, time: ${message}`),
      pricesUsd: symbols.map((symbol, i) =>
        parsePrice(fields[i + 1]!, (message) => `${at(number)}, ${symbol}: ${message}`),
      ),
      where: at(number),
    };
  });
  return checkRows(symbols, rows, fileName);
}

function parseJson(text: string, fileName: string): PriceHistoryTable {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new Error(`${fileName}: not valid JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(data) || data.length === 0)
    throw new Error(`${fileName}: expected a non-empty array of { "time": …, "<SYMBOL>": <price>, … } objects`);
  const at = (i: number) => `${fileName}: entry ${i + 1}`;
  const entries = data.map((entry: unknown, i) => {
    if (typeof entry !== "object" || entry === null || Array.isArray(entry))
      throw new Error(`${at(i)}: expected an object { "time": …, "<SYMBOL>": <price>, … }`);
    return entry as Record<string, unknown>;
  });
  const symbols = Object.keys(entries[0]!).filter((key) => key !== "time");
  checkSymbols(symbols, (message) => `${at(0)}: ${message}`);
  const rows = entries.map((entry, i) => {
    const keys = Object.keys(entry).filter((key) => key !== "time");
    const odd = keys.find((key) => !symbols.includes(key)) ?? symbols.find((symbol) => !keys.includes(symbol));
    if (odd !== undefined)
      throw new Error(`${at(i)}, ${odd}: every entry has the same fields as the first (${symbols.join(", ")})`);
    const time = entry.time;
    return {
      timeSeconds: parseTime(
        typeof time === "number" ? String(time) : typeof time === "string" ? time : "",
        (message) => `${at(i)}, time: ${message}`,
      ),
      pricesUsd: symbols.map((symbol) => {
        const value = entry[symbol];
        return parsePrice(
          typeof value === "number" ? String(value) : typeof value === "string" ? value : "",
          (m) => `${at(i)}, ${symbol}: ${m}`,
        );
      }),
      where: at(i),
    };
  });
  return checkRows(symbols, rows, fileName);
}

function checkSymbols(symbols: readonly string[], error: (message: string) => string): void {
  if (symbols.length === 0) throw new Error(error(`no price columns: expected time and one column per asset`));
  const bad = symbols.find((symbol) => !/^[A-Za-z0-9._-]+$/.test(symbol));
  if (bad !== undefined) throw new Error(error(`"${bad}" is not an asset symbol`));
  const twice = symbols.find((symbol, i) => symbols.indexOf(symbol) !== i);
  if (twice !== undefined) throw new Error(error(`${twice} appears twice`));
}

function checkRows(
  symbols: readonly string[],
  rows: readonly { timeSeconds: number; pricesUsd: readonly number[]; where: string }[],
  fileName: string,
): PriceHistoryTable {
  if (rows.length === 0) throw new Error(`${fileName}: no rows: expected one row per time after the header`);
  rows.forEach((row, i) => {
    const before = rows[i - 1];
    if (before && row.timeSeconds <= before.timeSeconds)
      throw new Error(
        `${row.where}, time: ${new Date(row.timeSeconds * 1000).toISOString()} is not after the row before ` +
          `(${new Date(before.timeSeconds * 1000).toISOString()}): times must strictly increase`,
      );
  });
  return { symbols, rows: rows.map(({ timeSeconds, pricesUsd }) => ({ timeSeconds, pricesUsd })) };
}

function parseTime(field: string, error: (message: string) => string): number {
  if (/^\d+$/.test(field)) {
    const seconds = Number(field);
    if (!Number.isSafeInteger(seconds)) throw new Error(error(`"${field}" is too large for unix seconds`));
    return seconds;
  }
  const iso = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/.exec(field);
  const ms = iso
    ? Date.parse(/T.*(Z|[+-]\d{2}:\d{2})$/.test(field) || !field.includes("T") ? field : `${field}Z`)
    : NaN;
  if (!Number.isFinite(ms))
    throw new Error(
      error(`"${field}" is neither unix seconds nor an ISO 8601 date (2025-01-31 or 2025-01-31T12:00:00Z)`),
    );
  return Math.floor(ms / 1000);
}

function parsePrice(field: string, error: (message: string) => string): number {
  const price = /^[+]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(field) ? Number(field) : NaN;
  if (!(Number.isFinite(price) && price > 0))
    throw new Error(error(`"${field}" is not a positive price in USD per whole token`));
  return price;
}

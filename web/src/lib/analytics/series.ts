/**
 * A table's time series, for the console's chart: when a table has rows with a time- or block-like column
 * (`timestamp`, `periodStart`, `createdTimestamp`, `blockNumber`, `_meta`'s `block.number`) and other numeric
 * columns, each of those can be drawn over it.
 */
import { numericColumns, type DataTable } from "./table.ts";

/** The columns a table can be charted by: its time- or block-like x columns and its numeric y columns. */
export type SeriesColumns = { x: string[]; y: string[] };

/** A point of a series: x in seconds since the epoch or in blocks. */
export type SeriesPoint = { x: number; y: number };

const timeName = /(^|\.)(timestamp|\w+Timestamp|time|date|periodStart|periodEnd)$/i;
const blockName = /(^|\.)(blockNumber|block\.number|block)$/i;

/** Whether a column holds times (seconds since the epoch), as opposed to block numbers. */
export function isTimeColumn(column: string): boolean {
  return timeName.test(column);
}

/**
 * The columns `table` can be charted by, or undefined when it has fewer than two rows, no numeric time- or
 * block-like column, or no other numeric column (ids are no series).
 */
export function seriesColumns(table: DataTable): SeriesColumns | undefined {
  if (table.rows.length < 2) return undefined;
  const numeric = numericColumns(table);
  const isNumeric = (column: string) => numeric[table.columns.indexOf(column)] === true;
  const x = table.columns.filter((c) => isNumeric(c) && (timeName.test(c) || blockName.test(c)));
  const y = table.columns.filter((c) => isNumeric(c) && !x.includes(c) && !/(^|\.)id$/.test(c));
  return x.length > 0 && y.length > 0 ? { x, y } : undefined;
}

/** The points of column `y` over column `x`, in the order of x; rows with an empty cell in either are left out. */
export function seriesPoints(table: DataTable, x: string, y: string): SeriesPoint[] {
  const xi = table.columns.indexOf(x);
  const yi = table.columns.indexOf(y);
  if (xi < 0 || yi < 0) return [];
  return table.rows
    .filter((row) => row[xi] !== "" && row[yi] !== "")
    .map((row) => ({ x: Number(row[xi]), y: Number(row[yi]) }))
    .filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y))
    .sort((a, b) => a.x - b.x);
}

/** An x tick's label: a UTC date (with the time when the series spans under two days), or a block number. */
export function formatSeriesX(isTime: boolean, spanX: number): (x: number) => string {
  if (!isTime) return (x) => String(Math.round(x));
  return (x) => {
    const iso = new Date(x * 1000).toISOString();
    return spanX < 2 * 86_400 ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : iso.slice(0, 10);
  };
}

const compact = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 2 });

/**
 * A y tick's label: large values compact (`1.5M`), those past a trillion thousand (wei) in exponent form (`2e+18`),
 * others to six significant digits.
 */
export function formatSeriesY(y: number): string {
  if (Math.abs(y) >= 1e15) return Number(y.toPrecision(3)).toExponential();
  if (Math.abs(y) >= 10_000) return compact.format(y);
  return String(Number(y.toPrecision(6)));
}

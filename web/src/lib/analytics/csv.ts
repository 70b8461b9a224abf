/** Tables as CSV (RFC 4180): a header row, comma-separated fields, CRLF after every record. */

/** A field as RFC 4180 writes it: in double quotes (its own doubled) when it holds a comma, a quote or a line break. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/** The CSV text of a table: the header row of `columns`, then each row, every record ending with CRLF. */
export function toCsv(columns: readonly string[], rows: readonly (readonly string[])[]): string {
  return [columns, ...rows].map((record) => `${record.map(csvField).join(",")}\r\n`).join("");
}

/** The file name a table's CSV downloads as: the top-level field's name (`trades` → `trades.csv`). */
export function csvFileName(field: string): string {
  const safe = field.replace(/[^\w.-]/g, "_");
  return `${safe || "data"}.csv`;
}

/**
 * What the scatter plot (Scatter.svelte) draws, and the order its points are stepped through by keyboard. Generic:
 * the advisor's plot (web/src/lib/advisor/plot.ts) is one use.
 */

/** A marker's shape: the legend draws the same. */
export type ScatterShape = "circle" | "cross" | "diamond" | "triangle";

/** A kind of point: how it is drawn and what the legend calls it. */
export type ScatterKind = { label: string; color: string; shape: ScatterShape; faint?: boolean };

/** One point: its position in the data's units, its kind, and what a screen reader says of it. */
export type ScatterPoint = {
  id: number;
  x: number;
  y: number;
  kind: string;
  /** The point's accessible name: what it is and its values. */
  description: string;
  /** A label written beside the marker (the current set, a proposal). */
  label?: string;
};

/** The points in keyboard order: left to right, bottom to top at equal x, then by id. */
export function keyboardOrder(points: readonly ScatterPoint[]): ScatterPoint[] {
  return [...points].sort((a, b) => a.x - b.x || a.y - b.y || a.id - b.id);
}

/** The point a key moves to from `id` in `order` (undefined: the key does not move). */
export function stepFrom(order: readonly ScatterPoint[], id: number, key: string): ScatterPoint | undefined {
  const at = order.findIndex((p) => p.id === id);
  const last = order.length - 1;
  const to: Record<string, number> = {
    ArrowRight: Math.min(last, at + 1),
    ArrowUp: Math.min(last, at + 1),
    ArrowLeft: Math.max(0, at - 1),
    ArrowDown: Math.max(0, at - 1),
    Home: 0,
    End: last,
  };
  const index = to[key];
  return index === undefined || at < 0 ? undefined : order[index];
}

/** The SVG path of a marker of `shape` and half-size `r`, centred on the origin. */
export function markerPath(shape: ScatterShape, r: number): string {
  switch (shape) {
    case "circle":
      return `M${-r},0a${r},${r} 0 1,0 ${2 * r},0a${r},${r} 0 1,0 ${-2 * r},0Z`;
    case "cross":
      return `M${-r},${-r}L${r},${r}M${-r},${r}L${r},${-r}`;
    case "diamond":
      return `M0,${-r * 1.3}L${r * 1.3},0L0,${r * 1.3}L${-r * 1.3},0Z`;
    case "triangle":
      return `M0,${-r * 1.3}L${r * 1.2},${r}L${-r * 1.2},${r}Z`;
  }
}

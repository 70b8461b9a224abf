import { describe, expect, it } from "vitest";
import { keyboardOrder, markerPath, stepFrom, type ScatterPoint } from "./scatter.ts";

const at = (id: number, x: number, y: number): ScatterPoint => ({ id, x, y, kind: "k", description: `#${id}` });
const points = [at(0, 0.2, 0.03), at(1, 0.1, 0.02), at(2, 0.1, 0.01), at(3, 0.3, 0.05)];

describe("the scatter plot's keyboard order", () => {
  it("goes left to right, bottom to top at equal x", () => {
    expect(keyboardOrder(points).map((p) => p.id)).toEqual([2, 1, 0, 3]);
  });

  it("moves one point with the arrow keys, to either end with Home and End, and stays at the ends", () => {
    const order = keyboardOrder(points);
    expect(stepFrom(order, 1, "ArrowRight")?.id).toBe(0);
    expect(stepFrom(order, 1, "ArrowUp")?.id).toBe(0);
    expect(stepFrom(order, 1, "ArrowLeft")?.id).toBe(2);
    expect(stepFrom(order, 1, "ArrowDown")?.id).toBe(2);
    expect(stepFrom(order, 1, "Home")?.id).toBe(2);
    expect(stepFrom(order, 1, "End")?.id).toBe(3);
    expect(stepFrom(order, 3, "ArrowRight")?.id).toBe(3);
    expect(stepFrom(order, 2, "ArrowLeft")?.id).toBe(2);
    expect(stepFrom(order, 1, "a")).toBeUndefined();
    expect(stepFrom(order, 9, "ArrowRight")).toBeUndefined();
  });

  it("draws a cross as two strokes, the other markers as closed shapes", () => {
    expect(markerPath("cross", 5)).toBe("M-5,-5L5,5M-5,5L5,-5");
    for (const shape of ["circle", "diamond", "triangle"] as const) expect(markerPath(shape, 5)).toMatch(/Z$/);
  });
});

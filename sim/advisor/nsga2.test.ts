import { describe, expect, it } from "vitest";
import { createRandom } from "../random.ts";
import {
  constrainedDominates,
  crowdingDistances,
  latinHypercube,
  nonDominatedRanks,
  offspring,
  selectSurvivors,
  type Scored,
} from "./nsga2.ts";

const at = (...objectives: number[]): Scored => ({ objectives, violation: 0 });
const infeasible = (violation: number, ...objectives: number[]): Scored => ({ objectives, violation });

describe("constrained dominance (Deb's rule)", () => {
  it("is Pareto dominance between feasible points: no worse on every objective and better on one", () => {
    expect(constrainedDominates(at(1, 1), at(2, 1))).toBe(true);
    expect(constrainedDominates(at(1, 1), at(1, 1))).toBe(false);
    expect(constrainedDominates(at(1, 3), at(2, 1))).toBe(false);
  });
  it("puts any feasible point before an infeasible one, and a smaller violation before a larger one", () => {
    expect(constrainedDominates(at(9, 9), infeasible(0.1, 0, 0))).toBe(true);
    expect(constrainedDominates(infeasible(0.1, 0, 0), at(9, 9))).toBe(false);
    expect(constrainedDominates(infeasible(0.1, 9, 9), infeasible(0.2, 0, 0))).toBe(true);
  });
});

describe("non-dominated sorting", () => {
  it("ranks the front 0, the front of what is left 1, and infeasible points after every feasible one", () => {
    const points = [at(1, 4), at(2, 2), at(4, 1), at(3, 3), at(4, 4), infeasible(1, 0, 0)];
    expect(nonDominatedRanks(points)).toEqual([0, 0, 0, 1, 2, 3]);
  });
});

describe("crowding distance", () => {
  it("is infinite at a front's ends and larger where the neighbours are farther apart", () => {
    const points = [at(0, 10), at(1, 9), at(5, 5), at(10, 0)];
    const d = crowdingDistances(points, [0, 1, 2, 3]);
    expect(d.get(0)).toBe(Infinity);
    expect(d.get(3)).toBe(Infinity);
    expect(d.get(2)!).toBeGreaterThan(d.get(1)!);
  });
});

describe("the Latin hypercube start", () => {
  it("puts exactly one point in each of n strata of every dimension", () => {
    const points = latinHypercube(10, 3, createRandom(5));
    for (let d = 0; d < 3; d++) {
      const strata = points.map((p) => Math.floor(p[d]! * 10)).sort((a, b) => a - b);
      expect(strata).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    }
  });
});

describe("survivor selection", () => {
  it("keeps whole fronts in rank order, and the ends of the front it has to cut", () => {
    const points = [at(0, 10), at(1, 9), at(2, 8.9), at(10, 0), at(5, 11)];
    const kept = selectSurvivors(points, 2);
    expect(kept.sort()).toEqual([0, 3]);
    expect(selectSurvivors(points, 4)).not.toContain(4);
  });
});

describe("offspring", () => {
  it("stays in the unit cube, and the same seed gives the same children", () => {
    const parents = latinHypercube(8, 4, createRandom(1)).map((x, i) => ({ x, rank: i % 2, crowding: i }));
    const a = offspring(parents, 20, createRandom(9));
    const b = offspring(parents, 20, createRandom(9));
    expect(a).toEqual(b);
    expect(a).toHaveLength(20);
    for (const child of a) for (const v of child) expect(v >= 0 && v <= 1).toBe(true);
  });
});

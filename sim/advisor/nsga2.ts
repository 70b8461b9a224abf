/**
 * NSGA-II (Deb, Pratap, Agarwal and Meyarivan, 2002) on the unit cube, with constraints by Deb's rule: a feasible
 * point beats an infeasible one, of two infeasible points the smaller violation wins, and feasible points compare by
 * Pareto dominance. The start is a Latin hypercube (space-filling: every dimension's range cut into as many strata as
 * points, one point per stratum); offspring come from binary tournaments, simulated binary crossover and polynomial
 * mutation. All objectives are minimised. Randomness comes from the sim's own seeded generator (random.ts).
 */
import { exp, ln } from "../detMath.ts";
import type { Random } from "../random.ts";

/** x^y for x > 0 from detMath's exp and ln, so that a seed gives the same search in every engine. */
const power = (x: number, y: number) => exp(y * ln(x));

/** A point's objectives (minimised) and its constraint violation (0: feasible). */
export type Scored = { objectives: readonly number[]; violation: number };

/** Whether `a` beats `b` by Deb's constrained dominance. */
export function constrainedDominates(a: Scored, b: Scored): boolean {
  if (a.violation === 0 && b.violation > 0) return true;
  if (a.violation > 0) return b.violation > 0 && a.violation < b.violation;
  if (b.violation > 0) return false;
  let strictly = false;
  for (let i = 0; i < a.objectives.length; i++) {
    if (a.objectives[i]! > b.objectives[i]!) return false;
    if (a.objectives[i]! < b.objectives[i]!) strictly = true;
  }
  return strictly;
}

/** Each point's front (0: dominated by none), by the fast non-dominated sort. */
export function nonDominatedRanks(points: readonly Scored[]): number[] {
  const n = points.length;
  const dominates: number[][] = points.map(() => []);
  const dominatedBy = new Array<number>(n).fill(0);
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      if (constrainedDominates(points[i]!, points[j]!)) (dominates[i]!.push(j), dominatedBy[j]!++);
      else if (constrainedDominates(points[j]!, points[i]!)) (dominates[j]!.push(i), dominatedBy[i]!++);
    }
  const ranks = new Array<number>(n).fill(-1);
  let current = points.flatMap((_, i) => (dominatedBy[i] === 0 ? [i] : []));
  for (let rank = 0; current.length > 0; rank++) {
    const next: number[] = [];
    for (const i of current) {
      ranks[i] = rank;
      for (const j of dominates[i]!) if (--dominatedBy[j]! === 0) next.push(j);
    }
    current = next;
  }
  return ranks;
}

/** Crowding distance of each of `members` (indices into `points`) within its front: boundary points are infinite. */
export function crowdingDistances(points: readonly Scored[], members: readonly number[]): Map<number, number> {
  const distance = new Map<number, number>(members.map((i) => [i, 0]));
  if (members.length === 0) return distance;
  const objectives = points[members[0]!]!.objectives.length;
  for (let m = 0; m < objectives; m++) {
    const sorted = [...members].sort((a, b) => points[a]!.objectives[m]! - points[b]!.objectives[m]! || a - b);
    const low = points[sorted[0]!]!.objectives[m]!;
    const high = points[sorted[sorted.length - 1]!]!.objectives[m]!;
    distance.set(sorted[0]!, Infinity);
    distance.set(sorted[sorted.length - 1]!, Infinity);
    if (!(high > low)) continue;
    for (let k = 1; k < sorted.length - 1; k++) {
      const gap = points[sorted[k + 1]!]!.objectives[m]! - points[sorted[k - 1]!]!.objectives[m]!;
      distance.set(sorted[k]!, distance.get(sorted[k]!)! + gap / (high - low));
    }
  }
  return distance;
}

/** `count` points of a Latin hypercube in [0, 1]^dims. */
export function latinHypercube(count: number, dims: number, random: Random): number[][] {
  const points = Array.from({ length: count }, () => new Array<number>(dims).fill(0));
  for (let d = 0; d < dims; d++) {
    const strata = Array.from({ length: count }, (_, i) => i);
    for (let i = count - 1; i > 0; i--) {
      const j = random.int(0, i);
      [strata[i], strata[j]] = [strata[j]!, strata[i]!];
    }
    for (let i = 0; i < count; i++) points[i]![d] = (strata[i]! + random.next()) / count;
  }
  return points;
}

/** The survivors of `points`: the best `size` by rank, ties on the last front broken by crowding distance. */
export function selectSurvivors(points: readonly Scored[], size: number): number[] {
  const ranks = nonDominatedRanks(points);
  const byRank = new Map<number, number[]>();
  ranks.forEach((rank, i) => byRank.set(rank, [...(byRank.get(rank) ?? []), i]));
  const survivors: number[] = [];
  for (const rank of [...byRank.keys()].sort((a, b) => a - b)) {
    const front = byRank.get(rank)!;
    if (survivors.length + front.length <= size) {
      survivors.push(...front);
      continue;
    }
    const crowding = crowdingDistances(points, front);
    const ordered = [...front].sort((a, b) => crowding.get(b)! - crowding.get(a)! || a - b);
    survivors.push(...ordered.slice(0, size - survivors.length));
    break;
  }
  return survivors;
}

/** Distribution indices of the variation operators (the values Deb's papers use). */
const crossoverEta = 15;
const mutationEta = 20;
const crossoverProbability = 0.9;

/**
 * `count` offspring of `parents` (points in [0, 1]^dims with their scores): binary tournaments by rank then crowding,
 * simulated binary crossover, polynomial mutation of each coordinate with probability 1/dims.
 */
export function offspring(
  parents: readonly { x: readonly number[]; rank: number; crowding: number }[],
  count: number,
  random: Random,
): number[][] {
  const dims = parents[0]!.x.length;
  const tournament = () => {
    const a = parents[random.int(0, parents.length - 1)]!;
    const b = parents[random.int(0, parents.length - 1)]!;
    if (a.rank !== b.rank) return a.rank < b.rank ? a : b;
    return a.crowding >= b.crowding ? a : b;
  };
  const children: number[][] = [];
  while (children.length < count) {
    const [p1, p2] = [tournament().x, tournament().x];
    const c1 = [...p1];
    const c2 = [...p2];
    if (random.next() < crossoverProbability)
      for (let d = 0; d < dims; d++) {
        if (random.next() >= 0.5) continue;
        const u = Math.max(random.next(), 1e-12);
        const beta = u <= 0.5 ? power(2 * u, 1 / (crossoverEta + 1)) : power(1 / (2 * (1 - u)), 1 / (crossoverEta + 1));
        c1[d] = 0.5 * ((1 + beta) * p1[d]! + (1 - beta) * p2[d]!);
        c2[d] = 0.5 * ((1 - beta) * p1[d]! + (1 + beta) * p2[d]!);
      }
    for (const child of [c1, c2]) {
      for (let d = 0; d < dims; d++) {
        if (random.next() >= 1 / dims) continue;
        const u = Math.max(random.next(), 1e-12);
        const delta = u < 0.5 ? power(2 * u, 1 / (mutationEta + 1)) - 1 : 1 - power(2 * (1 - u), 1 / (mutationEta + 1));
        child[d] = child[d]! + delta;
      }
      children.push(child.map((v) => Math.min(1, Math.max(0, v))));
    }
  }
  return children.slice(0, count);
}

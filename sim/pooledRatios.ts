/**
 * Sharpe and Sortino ratios of a Monte Carlo run, pooled: every step return of every path counts once in one mean and
 * one deviation, in excess of a risk-free rate. Averaging a ratio per path instead rewards paths that happen to be
 * smooth: a hedge that cuts the volatility and raises the return can show a lower mean of per-path Sharpe ratios,
 * while its pooled ratio (the reward per unit of risk a holder sees over all outcomes) is higher.
 */
import { checkRiskFreeRate } from "./runSettings.ts";

/** Running sums of excess step returns over paths: `[count, Σ excess, Σ excess², Σ min(0, excess)²]`. */
export type ExcessReturnSums = Float64Array;

/** Empty {@link ExcessReturnSums}. */
export function createExcessReturnSums(): ExcessReturnSums {
  return new Float64Array(4);
}

/**
 * Adds one path's step returns, `sharePrices[k] / sharePrices[k − 1] − 1` for k = 1..steps, each less the risk-free
 * rate's share of a step (`riskFreePerYear / stepsPerYear`, a simple rate, as sim/stats.ts's `sharpeRatio`). A step
 * from a zero share price counts as a return of 0.
 */
export function addExcessReturns(
  sums: ExcessReturnSums,
  sharePrices: ArrayLike<number>,
  steps: number,
  riskFreePerStep: number,
  /** When given, the path's own `[Σ excess, Σ excess², Σ min(0, excess)²]` are written here at `perPathAt`. */
  perPath?: Float64Array,
  perPathAt = 0,
): void {
  let sum = 0;
  let squares = 0;
  let downside = 0;
  for (let k = 1; k <= steps; k++) {
    const previous = sharePrices[k - 1]!;
    const excess = (previous > 0 ? sharePrices[k]! / previous - 1 : 0) - riskFreePerStep;
    sum += excess;
    squares += excess * excess;
    if (excess < 0) downside += excess * excess;
  }
  addPathSums(sums, steps, sum, squares, downside, perPath, perPathAt);
}

/**
 * Adds one path's `steps` excess step returns, already summed (`Σ excess`, `Σ excess²`, `Σ min(0, excess)²`, as
 * {@link addExcessReturns} sums them), to `sums`; and writes them to `perPath` at `perPathAt` when given. For a
 * caller that walks the path's returns anyway (the Monte Carlo's `summarisePath`).
 */
export function addPathSums(
  sums: ExcessReturnSums,
  steps: number,
  sum: number,
  squares: number,
  downside: number,
  perPath?: Float64Array,
  perPathAt = 0,
): void {
  if (perPath) {
    perPath[perPathAt] = sum;
    perPath[perPathAt + 1] = squares;
    perPath[perPathAt + 2] = downside;
  }
  sums[0]! += steps;
  sums[1]! += sum;
  sums[2]! += squares;
  sums[3]! += downside;
}

/**
 * The pooled Sharpe ratio, annualised: mean excess step return over its sample deviation (divisor N − 1) over all N
 * step returns of all paths, times √stepsPerYear. 0 when the excess returns do not vary.
 */
export function pooledSharpe(sums: ExcessReturnSums, stepsPerYear: number): number {
  const [count, sum, squares] = [sums[0]!, sums[1]!, sums[2]!];
  if (count < 2) return 0;
  const mean = sum / count;
  const variance = Math.max(0, (squares - count * mean * mean) / (count - 1));
  return variance > 0 ? (mean / Math.sqrt(variance)) * Math.sqrt(stepsPerYear) : 0;
}

/**
 * The pooled Sortino ratio, annualised: mean excess step return over the downside deviation √(Σ min(0, excess)² / N)
 * over all N step returns of all paths, times √stepsPerYear. 0 when no step return is below the risk-free rate.
 */
export function pooledSortino(sums: ExcessReturnSums, stepsPerYear: number): number {
  const [count, sum, downside] = [sums[0]!, sums[1]!, sums[3]!];
  if (count === 0 || downside === 0) return 0;
  return (sum / count / Math.sqrt(downside / count)) * Math.sqrt(stepsPerYear);
}

/** A risk-free rate per year as a step's share of it; throws (naming `riskFreePerYear`) unless it is usable. */
export function riskFreePerStep(riskFreePerYear: number, stepsPerYear: number): number {
  checkRiskFreeRate(riskFreePerYear);
  return riskFreePerYear / stepsPerYear;
}

/**
 * Checks shared by every module of sim/market: symbols, per-asset arrays, correlation matrices (with their Cholesky
 * factor), and how an error message shows a value. Each throws an `Error` naming the offending input by the `name`
 * it is given.
 */

/** Absolute tolerance on a correlation matrix's unit diagonal and symmetry. */
export const correlationTolerance = 1e-9;

/**
 * The lower-triangular Cholesky factor L of a symmetric positive semi-definite matrix A (A = L·Lᵀ), zeros above the
 * diagonal. Semi-definite matrices (e.g. two perfectly correlated assets) are accepted: a pivot within
 * `1e-10 × max(1, largest diagonal entry)` of 0 counts as 0 and gives a zero column, provided the rest of that
 * column is also within the tolerance of 0. Throws, naming the matrix `name`, if A is not square, has a non-finite
 * entry, is not symmetric (within 1e-9, relative to the entries above 1) or is not positive semi-definite.
 *
 * @example cholesky([[1, 0.5], [0.5, 1]]) // [[1, 0], [0.5, 0.8660254037844386]]
 */
export function cholesky(matrix: readonly (readonly number[])[], name = "matrix"): number[][] {
  const size = matrix.length;
  matrix.forEach((row, i) => {
    if (row.length !== size)
      throw new Error(`${name} must be a square matrix: row ${i} has length ${row.length}, expected ${size}`);
    row.forEach((value, j) => {
      if (!Number.isFinite(value)) throw new Error(`${name}[${i}][${j}] must be a finite number, got ${show(value)}`);
    });
  });
  for (let i = 0; i < size; i++)
    for (let j = 0; j < i; j++) {
      const lower = matrix[i]![j]!;
      const upper = matrix[j]![i]!;
      if (Math.abs(lower - upper) > correlationTolerance * Math.max(1, Math.abs(lower), Math.abs(upper)))
        throw new Error(`${name} must be symmetric: [${j}][${i}] is ${upper} but [${i}][${j}] is ${lower}`);
    }
  let largestDiagonal = 1;
  for (let i = 0; i < size; i++) largestDiagonal = Math.max(largestDiagonal, Math.abs(matrix[i]![i]!));
  const tolerance = 1e-10 * largestDiagonal;

  const factor = Array.from({ length: size }, () => new Array<number>(size).fill(0));
  for (let j = 0; j < size; j++) {
    let pivot = matrix[j]![j]!;
    for (let k = 0; k < j; k++) pivot -= factor[j]![k]! * factor[j]![k]!;
    if (pivot < -tolerance)
      throw new Error(`${name} is not positive semi-definite: pivot ${j} of its Cholesky factorisation is ${pivot}`);
    const diagonal = pivot > tolerance ? Math.sqrt(pivot) : 0;
    factor[j]![j] = diagonal;
    for (let i = j + 1; i < size; i++) {
      let residual = matrix[i]![j]!;
      for (let k = 0; k < j; k++) residual -= factor[i]![k]! * factor[j]![k]!;
      if (diagonal > 0) factor[i]![j] = residual / diagonal;
      else if (Math.abs(residual) > tolerance)
        throw new Error(
          `${name} is not positive semi-definite: pivot ${j} of its Cholesky factorisation is 0 but entry [${i}][${j}] leaves ${residual}`,
        );
    }
  }
  return factor;
}

/** Throws unless `symbols` is a non-empty array of distinct non-empty strings. */
export function checkSymbols(symbols: readonly string[], name: string): void {
  if (!isArray(symbols) || symbols.length === 0)
    throw new Error(`${name} must be a non-empty array of symbols, got ${show(symbols)}`);
  symbols.forEach((symbol: unknown, i) => {
    if (typeof symbol !== "string" || symbol === "")
      throw new Error(`${name}[${i}] must be a non-empty string, got ${show(symbol)}`);
    const first = symbols.indexOf(symbol);
    if (first !== i) throw new Error(`${name}[${i}] repeats ${show(symbol)}, already at ${name}[${first}]`);
  });
}

/** Throws unless `values` is an array with one entry per asset. */
export function checkPerAsset(values: readonly unknown[], assets: number, name: string): void {
  if (!isArray(values) || values.length !== assets)
    throw new Error(
      `${name} must have ${assets} entries (one per symbol), got ${isArray(values) ? values.length : show(values)}`,
    );
}

/**
 * A value as error messages show it: strings quoted, arrays and objects as JSON, numbers as JavaScript prints them.
 */
export function show(value: unknown): string {
  if (typeof value === "string" || isArray(value) || (typeof value === "object" && value !== null))
    return JSON.stringify(value);
  return String(value);
}

/** `Array.isArray` without its type narrowing (which turns a readonly typed array into `any[]`). */
export function isArray(value: unknown): boolean {
  return Array.isArray(value);
}

/** Throws unless `values` has one finite number per asset. */
export function checkFiniteArray(values: readonly number[], assets: number, name: string): void {
  checkPerAsset(values, assets, name);
  values.forEach((value, i) => {
    if (!Number.isFinite(value)) throw new Error(`${name}[${i}] must be a finite number, got ${show(value)}`);
  });
}

/** Throws unless `values` has one finite number ≥ 0 per asset. */
export function checkNonNegativeArray(values: readonly number[], assets: number, name: string): void {
  checkPerAsset(values, assets, name);
  values.forEach((value, i) => {
    if (!(Number.isFinite(value) && value >= 0))
      throw new Error(`${name}[${i}] must be a finite number >= 0, got ${show(value)}`);
  });
}

/**
 * Throws unless `matrix` is an `assets × assets` correlation matrix: entries in [−1, 1], a unit diagonal (within
 * 1e-9), symmetric and positive semi-definite (see {@link cholesky}).
 */
export function checkCorrelation(matrix: readonly (readonly number[])[], assets: number, name: string): void {
  checkPerAsset(matrix, assets, name);
  matrix.forEach((row, i) => {
    checkPerAsset(row, assets, `${name}[${i}]`);
    row.forEach((value, j) => {
      if (!(value >= -1 && value <= 1))
        throw new Error(`${name}[${i}][${j}] must be a number in [-1, 1], got ${show(value)}`);
    });
    if (Math.abs(row[i]! - 1) > correlationTolerance)
      throw new Error(`${name}[${i}][${i}] must be 1, got ${show(row[i])}`);
  });
  cholesky(matrix, name);
}

/** Throws unless `values` is a probability vector of `size` entries: each in [0, 1], summing to 1 within 1e-9. */
export function checkProbabilities(values: readonly number[], size: number, name: string): void {
  if (!isArray(values) || values.length !== size)
    throw new Error(`${name} must have ${size} entries, got ${isArray(values) ? values.length : show(values)}`);
  values.forEach((value, i) => {
    if (!(value >= 0 && value <= 1))
      throw new Error(`${name}[${i}] must be a probability in [0, 1], got ${show(value)}`);
  });
  const sum = values.reduce((s, v) => s + v, 0);
  if (Math.abs(sum - 1) > 1e-9) throw new Error(`${name} must sum to 1, got ${sum}`);
}

import { DEFAULT_ALPHA, DEFAULT_CAP } from "./defaults.ts";
import { InfeasibleAlphaError } from "./infeasible_alpha_error.ts";
import { referenceLoop } from "./_reference_loop.ts";
import { compensatedPrefixSums, compensatedSum } from "./_sum.ts";
import { checkAlphaAndCap, checkScores } from "./_validate.ts";

/** How β is found: exactly (spec §2.3), or by the reference's rescale-and-clip loop (spec §2.2). */
export type TruncatedLinearSolver = "exact" | "iterative";

/** Options of {@linkcode truncatedLinear}. */
export interface TruncatedLinearOptions {
  /** The target mean ε over the samples (not the tokens), α. Default 0.1 (spec §2.1). */
  alpha?: number;
  /** The largest allowed ε, v_t, in (0, 1]. Default 0.99 (spec §2.1). */
  cap?: number;
  /**
   * `"exact"` (default, spec §9): β such that the mean ε is α to rounding. `"iterative"`: the
   * reference loop, whose mean lies within 0.001 below α when values are clipped.
   */
  solver?: TruncatedLinearSolver;
  /** The iterative solver gives up (with an error) after this many rounds. Default 10 000. */
  maxIterations?: number;
}

/** What {@linkcode truncatedLinear} found. */
export interface TruncatedLinearResult {
  /** The slope: ε_i = min(β·u_i, cap). For the iterative solver, the product of its scale factors. */
  beta: number;
  /** ε per sample, in the order of the scores. */
  values: Float64Array;
  /** How many samples sit at the cap. */
  clipped: number;
  /** The realised mean ε (0 for no samples). */
  mean: number;
  /** How many rescale-and-clip rounds the iterative solver ran; absent for the exact solver. */
  iterations?: number;
}

const DEFAULT_MAX_ITERATIONS = 10_000;

// spec §2.3: "α = v_t·m/n (within 1e-12): every positive sample is clipped".
const BOUNDARY_TOLERANCE = 1e-12;

/**
 * Maps uncertainty scores u_i ≥ 0 to label-smoothing values ε_i = min(β·u_i, cap), with β chosen
 * so that the mean ε over the samples is α: the paper's truncated linear map (spec §2.1). The exact
 * solver (spec §2.3) sorts the positive scores once and finds how many of them are clipped, so it
 * costs O(n log n) and hits α to rounding; the iterative solver reproduces the reference code.
 *
 * A zero score gets ε = 0; tied scores get the same ε; unclipped values stay proportional to u.
 *
 * @throws {InvalidScoreError} when a score is negative, NaN or infinite.
 * @throws {InfeasibleAlphaError} when α > cap·m/n (m non-zero scores of n), e.g. all scores 0.
 * @throws {RangeError} when α < 0, α > cap, cap ∉ (0, 1] or the solver is unknown.
 *
 * @example
 * ```ts
 * import { truncatedLinear } from "@ual/mapping";
 *
 * const { beta, values } = truncatedLinear([1, 1, 1, 1, 100], { alpha: 0.3 });
 * // beta = 0.1275, values = [0.1275, 0.1275, 0.1275, 0.1275, 0.99], mean exactly 0.3
 * ```
 */
export function truncatedLinear(
  scores: ArrayLike<number>,
  options: TruncatedLinearOptions = {},
): TruncatedLinearResult {
  const alpha = options.alpha ?? DEFAULT_ALPHA;
  const cap = options.cap ?? DEFAULT_CAP;
  const solver = options.solver ?? "exact";
  const maxIterations = options.maxIterations ?? DEFAULT_MAX_ITERATIONS;
  checkAlphaAndCap(alpha, cap);
  if (solver !== "exact" && solver !== "iterative") {
    throw new RangeError(`solver must be "exact" or "iterative", got ${JSON.stringify(solver)}.`);
  }
  if (!Number.isInteger(maxIterations) || maxIterations < 1) {
    throw new RangeError(`maxIterations must be a positive integer, got ${String(maxIterations)}.`);
  }
  checkScores(scores);

  const n = scores.length;
  const iterative = solver === "iterative";
  // spec §2.3: α = 0 is plain SFT (β = 0). Both solvers agree here; the reference loop would
  // also return the raw scores unchanged when their mean happens to be below 0.001.
  if (n === 0 || alpha === 0) {
    return { beta: 0, values: new Float64Array(n), clipped: 0, mean: 0, ...(iterative ? { iterations: 0 } : {}) };
  }

  let m = 0;
  for (let i = 0; i < n; i++) if (scores[i]! > 0) m++;
  const maxMean = (cap * m) / n;
  if (alpha > maxMean + BOUNDARY_TOLERANCE) throw new InfeasibleAlphaError(alpha, cap, m, n);

  if (iterative) {
    const { beta, values, clipped, iterations } = referenceLoop(scores, alpha, cap, maxIterations);
    return { beta, values, clipped, mean: compensatedSum(values) / n, iterations };
  }

  const positives = sortedPositives(scores, m);
  // spec §2.3: at the boundary α = cap·m/n every positive sample is clipped.
  const { beta, unclippedTotal, unclippedSum, threshold } =
    alpha >= maxMean - BOUNDARY_TOLERANCE
      ? { beta: cap / positives[0]!, unclippedTotal: 0, unclippedSum: 1, threshold: positives[0]! }
      : solveClipping(positives, n * alpha, cap);
  const values = new Float64Array(n);
  let clipped = 0;
  for (let i = 0; i < n; i++) {
    const u = scores[i]!;
    if (u >= threshold) {
      values[i] = cap;
      clipped++;
    } else {
      // β·u computed as R·(u/S): u/S ≤ 1 and R ≤ n, so this neither overflows nor makes ∞·0 = NaN
      // when β = R/S itself overflows (a subnormal smallest score). min() only guards against a
      // value rounding a hair above the cap at the clipping boundary.
      values[i] = Math.min(unclippedTotal * (u / unclippedSum), cap);
    }
  }
  return { beta, values, clipped, mean: compensatedSum(values) / n };
}

/** The `m` positive scores, ascending. */
function sortedPositives(scores: ArrayLike<number>, m: number): Float64Array {
  const positives = new Float64Array(m);
  let j = 0;
  for (let i = 0; i < scores.length; i++) if (scores[i]! > 0) positives[j++] = scores[i]!;
  return positives.sort();
}

/** Where the exact solution clips, and what the unclipped samples share. */
interface Clipping {
  /** The slope, R/S (Infinity only if the smallest positive score is subnormal). */
  beta: number;
  /** R = n·α − k·cap: the total ε of the unclipped samples. */
  unclippedTotal: number;
  /** S = the sum of the unclipped scores, so β = R/S. */
  unclippedSum: number;
  /** Scores ≥ this are clipped (the smallest clipped score; Infinity when none is). */
  threshold: number;
}

/**
 * spec §2.3, for a feasible α strictly below the boundary cap·m/n.
 *
 * In the spec's notation p is the positive scores in descending order, and n times the mean ε at
 * the breakpoint β = cap/p[t] (where p[t] just reaches the cap) is G(t) = t·cap + cap·suffix[t]/p[t].
 * G is non-decreasing and G(m−1) = m·cap > n·α, so the first t with G(t) ≥ n·α is the number k of
 * clipped samples, and a binary search finds it. Then β = (n·α − k·cap)/suffix[k].
 *
 * `ascending` holds p reversed, so p[t] = ascending[m−1−t] and suffix[t] = prefix[m−t], a sum of the
 * smallest scores computed with compensation (summing small to large also helps).
 */
function solveClipping(ascending: Float64Array, target: number, cap: number): Clipping {
  const m = ascending.length;
  const prefix = compensatedPrefixSums(ascending);
  const p = (t: number): number => ascending[m - 1 - t]!;
  const suffix = (t: number): number => prefix[m - t]!;
  // suffix/p first: cap·suffix would lose all precision when the scores are subnormal.
  const sumAtBreakpoint = (t: number): number => t * cap + cap * (suffix(t) / p(t));
  let lo = 0;
  let hi = m - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sumAtBreakpoint(mid) >= target) hi = mid;
    else lo = mid + 1;
  }
  let k = lo;
  // Tied scores give equal G in exact arithmetic but may differ in the last bit here; going back
  // to the first of a tie group keeps a group all unclipped, never split (spec §2.3, ties).
  while (k > 0 && p(k - 1) === p(k)) k--;
  const unclippedTotal = target - k * cap;
  const unclippedSum = suffix(k);
  return { beta: unclippedTotal / unclippedSum, unclippedTotal, unclippedSum, threshold: k > 0 ? p(k - 1) : Infinity };
}

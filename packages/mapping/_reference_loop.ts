import { compensatedSum } from "./_sum.ts";

/** The stopping tolerance of the reference loop (spec §2.2). */
const TOLERANCE = 0.001;

/** What the reference loop returns. */
export interface ReferenceLoopResult {
  beta: number;
  values: Float64Array;
  clipped: number;
  iterations: number;
}

/**
 * A port of the reference `make_score_dist` loop (spec §2.2): rescale so that the mean is α, clip
 * the top at the cap, until the mean is within 0.001 of α.
 *
 * The caller has already checked what makes the reference misbehave (spec §2.2, "edge-case
 * behaviour"): negative or non-finite scores, α > cap, α = 0, and infeasible α (which includes
 * all-zero scores, the NaN case). So the mean is never 0 here and every round makes progress.
 */
export function referenceLoop(
  scores: ArrayLike<number>,
  alpha: number,
  cap: number,
  maxIterations: number,
): ReferenceLoopResult {
  const n = scores.length;
  const values = Float64Array.from(scores);
  let mean = compensatedSum(values) / n;
  let beta = 1;
  let iterations = 0;
  while (Math.abs(mean - alpha) >= TOLERANCE) {
    if (iterations >= maxIterations) {
      throw new Error(
        `The iterative solver did not reach mean ε within ${TOLERANCE} of alpha ${alpha} in ${maxIterations} ` +
          `iterations (the mean is ${mean}). Use solver "exact", which is not iterative, or raise maxIterations.`,
      );
    }
    beta *= alpha / mean;
    for (let i = 0; i < n; i++) {
      // Same operation order as the reference (`s / mean(s) * α`), so that values match it to the
      // last bits. Its lower clip bound is min(s), which never binds, so only the top is clipped.
      values[i] = Math.min((values[i]! / mean) * alpha, cap);
    }
    iterations++;
    mean = compensatedSum(values) / n;
  }
  let clipped = 0;
  for (let i = 0; i < n; i++) {
    if (values[i]! >= cap) {
      // A deviation from the reference: when the raw scores already have mean ≈ α, the loop never
      // runs and the reference returns them as they are, even above the cap. ε > cap is not a valid
      // smoothing value, so we clip those too (every round of the loop does the same).
      values[i] = cap;
      clipped++;
    }
  }
  return { beta, values, clipped, iterations };
}

// Compensated (Neumaier) summation. Plain left-to-right summation of 10^6 doubles loses up to
// ~1e-10 relative, which would eat the 1e-9 budget on the realised mean ε (spec §2.3); the
// compensated sum keeps the error at a few ulps whatever the order or spread of the terms.

/** Neumaier's compensated sum of `values[start]` … `values[end - 1]`. */
export function compensatedSum(values: ArrayLike<number>, start = 0, end: number = values.length): number {
  let sum = 0;
  let compensation = 0;
  for (let i = start; i < end; i++) {
    const x = values[i]!;
    const t = sum + x;
    // Whichever operand is smaller in magnitude is the one whose low bits `t` lost.
    compensation += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum;
    sum = t;
  }
  return sum + compensation;
}

/**
 * Compensated prefix sums: `prefix[i]` is the sum of the first `i` values (so `prefix[0] = 0`
 * and the array is one longer than `values`).
 */
export function compensatedPrefixSums(values: ArrayLike<number>): Float64Array {
  const prefix = new Float64Array(values.length + 1);
  let sum = 0;
  let compensation = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    const t = sum + x;
    compensation += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum;
    sum = t;
    prefix[i + 1] = sum + compensation;
  }
  return prefix;
}

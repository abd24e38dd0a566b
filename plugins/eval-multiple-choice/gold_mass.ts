/**
 * The total probability of the given token ids — P_gold of spec §6.1 when `ids` are every token
 * that decodes to the gold letter (see {@linkcode letterTokenIds}). Each id counts once, however
 * often it is listed.
 *
 * @throws {RangeError} for an id outside the distribution.
 *
 * @example
 * ```ts
 * goldMass(Float64Array.from([0.5, 0.3, 0.2]), [0, 2]); // 0.7
 * ```
 */
export function goldMass(probabilities: ArrayLike<number>, ids: Iterable<number>): number {
  let mass = 0;
  for (const id of new Set(ids)) {
    if (!(Number.isInteger(id) && id >= 0 && id < probabilities.length)) throw new RangeError(`goldMass: token id ${id} is outside the ${probabilities.length} probabilities`);
    mass += probabilities[id] as number;
  }
  // summing rounded probabilities can overshoot 1 by an ulp
  return Math.min(1, mass);
}

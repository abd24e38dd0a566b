/**
 * Labels each position's feature with the id of the token that follows it (spec §6.5 item 1):
 * positions 0…T−2 of a sequence, since the last position has no next token.
 *
 * @example
 * ```ts
 * nextTokenFeatures([[1], [2], [3]], [10, 11, 12]); // { features: [[1], [2]], labels: [11, 12] }
 * ```
 */
export function nextTokenFeatures<F>(rows: readonly F[], ids: readonly number[]): { features: F[]; labels: number[] } {
  if (rows.length !== ids.length) throw new RangeError(`nextTokenFeatures: ${rows.length} feature rows for ${ids.length} tokens`);
  return { features: rows.slice(0, -1), labels: ids.slice(1) };
}

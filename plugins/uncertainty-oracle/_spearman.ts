/** Ranks 1..n, ties sharing the mean of their ranks (mid-ranks). */
function midRanks(values: readonly number[]): number[] {
  const order = values.map((_, i) => i).sort((a, b) => (values[a] as number) - (values[b] as number));
  const ranks = new Array<number>(values.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && values[order[j + 1] as number] === values[order[i] as number]) j++;
    for (let k = i; k <= j; k++) ranks[order[k] as number] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return ranks;
}

/**
 * Spearman's rank correlation of paired values: the Pearson correlation of their mid-ranks, so
 * ties are handled as scipy's `spearmanr` handles them. NaN for fewer than two pairs or a constant
 * side.
 */
export function spearman(xs: readonly number[], ys: readonly number[]): number {
  if (xs.length !== ys.length) throw new RangeError(`spearman(): ${xs.length} x values but ${ys.length} y values`);
  const n = xs.length;
  if (n < 2) return Number.NaN;
  const rx = midRanks(xs);
  const ry = midRanks(ys);
  const mean = (n + 1) / 2; // mid-ranks always average (n + 1) / 2
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (rx[i] as number) - mean;
    const dy = (ry[i] as number) - mean;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx === 0 || syy === 0 ? Number.NaN : sxy / Math.sqrt(sxx * syy);
}

/** The mean of per-question values and the half-width of its 95% normal interval, 1.96·s/√n. */
export function meanCi95(values: readonly number[]): { value: number; ci95: number } {
  const n = values.length;
  const mean = values.reduce((s, x) => s + x, 0) / n;
  if (n < 2) return { value: mean, ci95: 0 };
  const variance = values.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1);
  return { value: mean, ci95: 1.96 * Math.sqrt(variance / n) };
}

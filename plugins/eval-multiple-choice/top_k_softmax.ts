/** How {@linkcode topKSoftmax} turns logits into probabilities. */
export interface TopKSoftmaxOptions {
  /** Logits are divided by it before the softmax (> 0; the reference's default is 0.8). */
  temperature: number;
  /** Keep the k largest logits (≥ 1; the reference's default is 200); more than the width keeps all. */
  topK: number;
}

/**
 * softmax(logits / temperature) over the top-k logits, every other token at probability 0 — the
 * next-token distribution the reference's Best-of-N draws from (spec §6.1). As in the reference
 * (lit-llama's `generate`), a token is dropped only when its logit is strictly below the k-th
 * largest, so ties with the k-th are all kept. Computed in float64, relative to the maximum, so
 * large logits cannot overflow.
 *
 * @throws {RangeError} for a temperature ≤ 0, a topK < 1, or no logits.
 *
 * @example
 * ```ts
 * topKSoftmax([2, 1, 0], { temperature: 1, topK: 2 }); // Float64Array [0.731…, 0.268…, 0]
 * ```
 */
export function topKSoftmax(logits: ArrayLike<number>, options: TopKSoftmaxOptions): Float64Array {
  const { temperature, topK } = options;
  if (!(temperature > 0)) throw new RangeError(`topKSoftmax: temperature must be > 0, got ${temperature}`);
  if (!(Number.isInteger(topK) && topK >= 1)) throw new RangeError(`topKSoftmax: topK must be an integer ≥ 1, got ${topK}`);
  const n = logits.length;
  if (n === 0) throw new RangeError("topKSoftmax: no logits");
  const sorted = Float64Array.from(logits).sort();
  const threshold = sorted[n - Math.min(topK, n)] as number;
  const max = sorted[n - 1] as number;
  const out = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const x = logits[i] as number;
    if (x < threshold) continue;
    const w = Math.exp((x - max) / temperature);
    out[i] = w;
    total += w;
  }
  for (let i = 0; i < n; i++) out[i] = (out[i] as number) / total;
  return out;
}

import type { Rng } from "@ual/nn";

/** How {@linkcode sampleToken} picks the next token. */
export interface SamplingOptions {
  /** 0 (default) decodes greedily; otherwise logits are divided by it before the softmax. */
  temperature?: number;
  /** Keep only the k most likely tokens (default: all). */
  topK?: number;
  /** Keep the smallest set of most likely tokens whose probability reaches p (nucleus; default 1). */
  topP?: number;
}

/**
 * Picks the next token from one row of logits: greedy at temperature 0, else a draw from
 * softmax(logits / temperature) restricted to the top-k, then to the top-p nucleus (the order
 * Hugging Face's `generate` applies them; without either, the draw needs no sorting). Ties in greedy go to the lowest id, so decoding is
 * reproducible across backends.
 *
 * @example
 * ```ts
 * import { createRng } from "@ual/nn";
 * sampleToken(Float32Array.from([0, 3, 1]), { temperature: 0 }, createRng(1)); // 1
 * ```
 */
export function sampleToken(logits: ArrayLike<number>, options: SamplingOptions, rng: Rng): number {
  const temperature = options.temperature ?? 0;
  if (!(temperature >= 0)) throw new RangeError(`sampleToken: temperature must be ≥ 0, got ${temperature}`);
  const n = logits.length;
  if (temperature === 0) {
    let best = 0;
    for (let i = 1; i < n; i++) if ((logits[i] as number) > (logits[best] as number)) best = i;
    return best;
  }
  const topP = options.topP ?? 1;
  if (!(topP > 0 && topP <= 1)) throw new RangeError(`sampleToken: topP must be in (0, 1], got ${topP}`);
  if ((options.topK ?? n) >= n && topP === 1) {
    // Nothing is cut off, so no order is needed: one pass for the max, one for the weights, and
    // the draw walks the ids in order (sorting 32k logits per token was most of sampling's time).
    let max = -Infinity;
    for (let i = 0; i < n; i++) if ((logits[i] as number) > max) max = logits[i] as number;
    const weights = new Float64Array(n);
    let total = 0;
    for (let i = 0; i < n; i++) total += weights[i] = Math.exp(((logits[i] as number) - max) / temperature);
    let u = rng.float() * total;
    for (let i = 0; i < n; i++) {
      u -= weights[i] as number;
      if (u < 0) return i;
    }
    let last = n - 1;
    while (last > 0 && weights[last] === 0) last--;
    return last;
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (logits[b] as number) - (logits[a] as number) || a - b);
  const topK = Math.min(n, Math.max(1, options.topK ?? n));
  const kept = order.slice(0, topK);
  const max = logits[kept[0] as number] as number;
  // exp relative to the max: no overflow however large the logits
  const weights = kept.map((i) => Math.exp(((logits[i] as number) - max) / temperature));
  const total = weights.reduce((s, x) => s + x, 0);
  let cut = kept.length;
  if (topP < 1) {
    let cumulative = 0;
    for (let i = 0; i < kept.length; i++) {
      cumulative += (weights[i] as number) / total;
      if (cumulative >= topP) {
        cut = i + 1;
        break;
      }
    }
  }
  const mass = weights.slice(0, cut).reduce((s, x) => s + x, 0);
  let u = rng.float() * mass;
  for (let i = 0; i < cut; i++) {
    u -= weights[i] as number;
    if (u < 0) return kept[i] as number;
  }
  return kept[cut - 1] as number;
}

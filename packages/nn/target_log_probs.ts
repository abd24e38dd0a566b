import { gather, log, max, neg, reshape, softmax, sub, type Tensor1D, type Tensor2D, tensor1d, tidy } from "@tensorflow/tfjs-core";
import { rowStats, rowStatsFused } from "./_logit_rows.ts";

/**
 * log softmax(z)[target] for each row of logits [R, V] (the log-probability a model gives each
 * scored token), without building the [R, V] log-softmax: one fused pass per row where the
 * backend has it (wasm's native kernels, cpu), else a max-shift and one Softmax kernel, using
 * that the shifted row's largest probability is exactly 1/Σ exp(z − max z).
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { targetLogProbs } from "@ual/nn";
 *
 * const logits = tf.tensor2d([[0, 1, 2], [3, 0, 0]]);
 * targetLogProbs(logits, [2, 0]).print(); // [-0.4076, -0.0949]
 * ```
 */
export function targetLogProbs(logits: Tensor2D, targets: ArrayLike<number>): Tensor1D {
  const [rows, vocab] = logits.shape;
  if (targets.length !== rows) throw new RangeError(`targetLogProbs: ${targets.length} targets for ${rows} rows`);
  const ids = Int32Array.from(targets);
  for (const t of ids) if (!(t >= 0 && t < vocab)) throw new RangeError(`targetLogProbs: target ${t} is outside the vocabulary of ${vocab}`);
  const flat = Int32Array.from(ids, (t, i) => i * vocab + t);
  return tidy(() => {
    if (rowStatsFused()) {
      const stats = rowStats(logits, { targets: ids, flat });
      return sub(stats.target, stats.logSumExp) as Tensor1D;
    }
    const shifted = sub(logits, max(logits, 1, true));
    const logSumExp = neg(log(max(softmax(shifted), 1)));
    return sub(gather(reshape(shifted, [rows * vocab]), tensor1d(flat, "int32")), logSumExp) as Tensor1D;
  });
}

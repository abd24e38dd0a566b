import { add, customGrad, type GradSaveFunc, ones, reshape, type Tensor, type Tensor1D, type Tensor2D, tidy } from "@tensorflow/tfjs-core";
import { product } from "./_product.ts";
import { matMulPlain } from "./mat_mul_plain.ts";

const withBias = customGrad((...args: (Tensor | GradSaveFunc)[]) => {
  const x = args[0] as Tensor2D;
  const w = args[1] as Tensor2D;
  const b = args[2] as Tensor1D;
  const save = args[3] as GradSaveFunc;
  save([x, w]);
  return {
    value: tidy(() => add(matMulPlain(x, w), b) as Tensor2D),
    gradFunc: (dy: Tensor, saved: Tensor[]) =>
      tidy(() => {
        const [sx, sw] = saved as [Tensor2D, Tensor2D];
        const g = dy as Tensor2D;
        const dx = product(g, sw, false, true);
        const dw = product(sx, g, true, false);
        // Σ over rows as onesᵀ·dY: tfjs' Sum over the outer axis is ~20× slower on wasm.
        const db = reshape(product(ones([1, g.shape[0]]) as Tensor2D, g), [g.shape[1]]);
        return [dx, dw, db];
      }),
  };
});

/**
 * A dense layer, `x · w + bias`, over the last axis of `x` ([..., in] → [..., out]), with the
 * weight stored [in, out] (the layout of Hugging Face GPT-2's `Conv1D`, so its checkpoints load
 * as they are). Leading axes are flattened so that the product is one plain 2-D matmul, and
 * the gradient is written out as matmuls (dx = dy·wᵀ, dw = xᵀ·dy, db = 1ᵀ·dy) on the backend's
 * fast path — see {@linkcode matMulPlain}.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { linear } from "@ual/nn";
 *
 * const y = linear(tf.randomNormal([2, 16, 64]), tf.randomNormal([64, 256]) as tf.Tensor2D); // [2, 16, 256]
 * ```
 */
export function linear<T extends Tensor>(x: T, w: Tensor2D, bias?: Tensor1D): T {
  const [inDim, outDim] = w.shape;
  const last = x.shape[x.rank - 1];
  if (last !== inDim) throw new Error(`linear: x [${x.shape}] does not match the weight [${w.shape}]`);
  if (bias !== undefined && (bias.rank !== 1 || bias.shape[0] !== outDim)) {
    throw new Error(`linear: bias [${bias.shape}] must be [${outDim}]`);
  }
  const rows = x.size / inDim;
  const flat: Tensor2D = x.rank === 2 ? (x as unknown as Tensor2D) : reshape(x, [rows, inDim]);
  const y: Tensor2D = bias === undefined ? matMulPlain(flat, w) : (withBias(flat, w, bias) as Tensor2D);
  return (x.rank === 2 ? y : reshape(y, [...x.shape.slice(0, -1), outDim])) as T;
}

import {
  add,
  customGrad,
  engine,
  type GradSaveFunc,
  mean,
  mul,
  ones,
  reshape,
  rsqrt,
  sub,
  type Tensor,
  type Tensor1D,
  type Tensor2D,
  tidy,
} from "@tensorflow/tfjs-core";
import { fusedKernel, LAYER_NORM_GRAD_KERNEL, LAYER_NORM_KERNEL } from "./_native_fused.ts";
import { matMulPlain } from "./mat_mul_plain.ts";

/** Σ over rows of a [N, D] matrix as one plain matmul (onesᵀ·x): the fastest column sum on wasm. */
function columnSum(x: Tensor2D): Tensor1D {
  const [rows, cols] = x.shape;
  return tidy(() => reshape(matMulPlain(ones([1, rows]) as Tensor2D, x), [cols]) as Tensor1D);
}

const norm = (epsilon: number) =>
  customGrad((...args: (Tensor | GradSaveFunc)[]) => {
    const x = args[0] as Tensor2D;
    const gamma = args[1] as Tensor1D;
    const beta = args[2] as Tensor1D;
    const save = args[3] as GradSaveFunc;
    const { xHat, rstd } = tidy(() => {
      const centred = sub(x, mean(x, 1, true));
      const r = rsqrt(add(mean(mul(centred, centred), 1, true), epsilon));
      return { xHat: mul(centred, r) as Tensor2D, rstd: r as Tensor2D };
    });
    save([xHat, rstd, gamma]);
    return {
      value: add(mul(xHat, gamma), beta) as Tensor2D,
      gradFunc: (dy: Tensor, saved: Tensor[]) =>
        tidy(() => {
          const [h, r, g] = saved as [Tensor2D, Tensor2D, Tensor1D];
          const dy2 = dy as Tensor2D;
          const dBeta = columnSum(dy2);
          const dGamma = columnSum(mul(dy2, h));
          const dh = mul(dy2, g);
          // dx = rstd·(dĥ − mean(dĥ) − ĥ·mean(dĥ·ĥ)), the standard closed form.
          const dx = mul(r, sub(sub(dh, mean(dh, 1, true)), mul(h, mean(mul(dh, h), 1, true))));
          return [dx, dGamma, dBeta];
        }),
    };
  });

// The same, one kernel each way in C on the wasm heap (the native kernels).
const fusedNorm = (epsilon: number) =>
  customGrad((...args: (Tensor | GradSaveFunc)[]) => {
    const [x, gamma, beta] = args as [Tensor2D, Tensor1D, Tensor1D];
    const save = args[3] as GradSaveFunc;
    const [y, xHat, rstd] = engine().runKernel(LAYER_NORM_KERNEL, { x, gamma, beta }, { epsilon }) as [Tensor2D, Tensor2D, Tensor2D];
    save([xHat, rstd, gamma]);
    return {
      value: y,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [h, r, g] = saved as [Tensor2D, Tensor2D, Tensor1D];
        return engine().runKernel(LAYER_NORM_GRAD_KERNEL, { dy, xHat: h, rstd: r, gamma: g }) as Tensor[];
      },
    };
  });

/**
 * Layer normalisation over the last axis, `(x − mean)/√(var + ε)·γ + β` (biased variance, as
 * PyTorch's `LayerNorm`), with a closed-form gradient: a handful of kernels instead of the
 * dozen autodiff would record, and column sums as plain matmuls.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { layerNorm } from "@ual/nn";
 *
 * const y = layerNorm(tf.randomNormal([4, 8, 128]), tf.ones([128]) as tf.Tensor1D, tf.zeros([128]) as tf.Tensor1D);
 * ```
 */
export function layerNorm<T extends Tensor>(x: T, gamma: Tensor1D, beta: Tensor1D, epsilon = 1e-5): T {
  const d = x.shape[x.rank - 1] as number;
  if (gamma.shape[0] !== d || beta.shape[0] !== d) {
    throw new Error(`layerNorm: γ [${gamma.shape}] and β [${beta.shape}] must match the last axis of x [${x.shape}]`);
  }
  const flat = x.rank === 2 ? (x as unknown as Tensor2D) : reshape(x, [x.size / d, d]);
  const y = (fusedKernel(LAYER_NORM_KERNEL) ? fusedNorm(epsilon) : norm(epsilon))(flat, gamma, beta) as Tensor2D;
  return (x.rank === 2 ? y : reshape(y, x.shape)) as T;
}

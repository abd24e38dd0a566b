import { customGrad, type GradSaveFunc, type Tensor, type Tensor2D, type Tensor3D } from "@tensorflow/tfjs-core";
import { product } from "./_product.ts";

const plain = customGrad((...args: (Tensor | GradSaveFunc)[]) => {
  const a = args[0] as Tensor2D | Tensor3D;
  const b = args[1] as Tensor2D | Tensor3D;
  const save = args[2] as GradSaveFunc;
  save([a, b]);
  return {
    value: product(a, b),
    gradFunc: (dy: Tensor, saved: Tensor[]) => {
      const [sa, sb] = saved as [Tensor2D | Tensor3D, Tensor2D | Tensor3D];
      const g = dy as Tensor2D | Tensor3D;
      // dA = dY·Bᵀ and dB = Aᵀ·dY, each on the backend's fast path (see `product`).
      return [product(g, sb, false, true), product(sa, g, true, false)];
    },
  };
});

const transposed = customGrad((...args: (Tensor | GradSaveFunc)[]) => {
  const a = args[0] as Tensor2D | Tensor3D;
  const b = args[1] as Tensor2D | Tensor3D;
  const save = args[2] as GradSaveFunc;
  save([a, b]);
  return {
    value: product(a, b, false, true),
    gradFunc: (dy: Tensor, saved: Tensor[]) => {
      const [sa, sb] = saved as [Tensor2D | Tensor3D, Tensor2D | Tensor3D];
      const g = dy as Tensor2D | Tensor3D;
      // Y = A·Bᵀ: dA = dY·B and dB = dYᵀ·A.
      return [product(g, sb), product(g, sa, true, false)];
    },
  };
});

function check(name: string, a: Tensor, b: Tensor, kAxisB: number, nAxisB: number): void {
  if (a.rank !== b.rank || (a.rank !== 2 && a.rank !== 3)) {
    throw new Error(`${name}: a and b must both be rank 2 or both rank 3, got [${a.shape}] and [${b.shape}]`);
  }
  const k = a.shape[a.rank - 1];
  if (k !== b.shape[b.rank + kAxisB] || (a.rank === 3 && a.shape[0] !== b.shape[0]) || b.shape[b.rank + nAxisB] === undefined) {
    throw new Error(`${name}: shapes [${a.shape}] and [${b.shape}] do not multiply`);
  }
  if (a.dtype !== "float32" || b.dtype !== "float32") throw new Error(`${name}: float32 tensors only`);
}

/**
 * `a · b` for [M,K]×[K,N] or [G,M,K]×[G,K,N], forward and backward on the backend's fast path.
 *
 * With native matmuls (wasm on OpenBLAS, {@linkcode selectBackend}'s default where `@ual/blas`
 * finds it) every product, transpose flags included, is one sgemm call. On wasm's XNNPACK only
 * a 2-D matmul without transpose flags is fast (~35–45 GFLOP/s on one core); flagged or batched
 * ones fall to a naive loop (1–3.6 GFLOP/s), and tfjs' autodiff of `matMul` uses flags. So there
 * the gradient transposes explicitly (a cheap copy) and multiplies plainly, and a batched
 * product runs each entry on the 2-D path (the `UalBatchMatMul` kernel, which reads each entry
 * in place). On other backends it is `tf.matMul` with the same gradient.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { matMulPlain } from "@ual/nn";
 *
 * const x = tf.randomNormal([1024, 128]) as tf.Tensor2D;
 * const w = tf.variable(tf.randomNormal([128, 512])) as tf.Variable<tf.Rank.R2>;
 * const { grads } = tf.variableGrads(() => tf.sum(matMulPlain(x, w)));
 * ```
 */
export function matMulPlain<T extends Tensor2D | Tensor3D>(a: T, b: T): T {
  check("matMulPlain", a, b, -2, -1);
  return plain(a, b) as T;
}

/**
 * `a · bᵀ` for [M,K]×[N,K] or [G,M,K]×[G,N,K] (attention's q·kᵀ, a weight stored [out, in]),
 * differentiable, on the backend's fast path as {@linkcode matMulPlain}: one flagged sgemm with
 * native matmuls, an explicit transpose and a plain product on XNNPACK.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { matMulTransposed } from "@ual/nn";
 *
 * const x = tf.randomNormal([16, 64]) as tf.Tensor2D;
 * const w = tf.variable(tf.randomNormal([256, 64])) as tf.Variable<tf.Rank.R2>; // [out, in]
 * const y = matMulTransposed(x, w); // [16, 256]
 * ```
 */
export function matMulTransposed<T extends Tensor2D | Tensor3D>(a: T, b: T): T {
  check("matMulTransposed", a, b, -1, -2);
  return transposed(a, b) as T;
}

import {
  backend,
  customGrad,
  engine,
  getBackend,
  getKernel,
  type GradSaveFunc,
  matMul as tfMatMul,
  type Tensor,
  type Tensor2D,
  type Tensor3D,
  transpose,
} from "@tensorflow/tfjs-core";
import { ensureKernels } from "./_ensure_kernels.ts";
import { WASM_BATCH_MATMUL_KERNEL, wasmBatchMatMulKernels, wasmInternalsAvailable } from "./_wasm_batch_matmul.ts";

/** Swaps the last two axes (an explicit copy, which the backends do fast). */
function swapLast<T extends Tensor>(x: T): T {
  return (x.rank === 2 ? transpose(x) : transpose(x, [0, 2, 1])) as T;
}

function useWasmKernel(): boolean {
  if (getBackend() !== "wasm") return false;
  ensureKernels(wasmBatchMatMulKernels);
  return getKernel(WASM_BATCH_MATMUL_KERNEL, "wasm") !== undefined && wasmInternalsAvailable(backend());
}

function forward<T extends Tensor2D | Tensor3D>(a: T, b: T): T {
  if (a.rank === 3 && (a.shape[0] as number) > 1 && useWasmKernel()) {
    return engine().runKernel(WASM_BATCH_MATMUL_KERNEL, { a, b }) as T;
  }
  return tfMatMul(a, b) as T;
}

const plain = customGrad((...args: (Tensor | GradSaveFunc)[]) => {
  const a = args[0] as Tensor2D | Tensor3D;
  const b = args[1] as Tensor2D | Tensor3D;
  const save = args[2] as GradSaveFunc;
  save([a, b]);
  return {
    value: forward(a, b),
    gradFunc: (dy: Tensor, saved: Tensor[]) => {
      const [sa, sb] = saved as [Tensor2D | Tensor3D, Tensor2D | Tensor3D];
      const g = dy as Tensor2D | Tensor3D;
      // dA = dY·Bᵀ and dB = Aᵀ·dY, with the transposes made explicit so that both products
      // take the fast path too (tfjs' own gradient passes transpose flags).
      const bT = swapLast(sb);
      const da = forward(g, bT);
      bT.dispose();
      const aT = swapLast(sa);
      const db = forward(aT, g);
      aT.dispose();
      return [da, db];
    },
  };
});

/**
 * `a · b` for [M,K]×[K,N] or [G,M,K]×[G,K,N], formulated the way tfjs-backend-wasm is fast:
 * only plain matmuls, never transpose flags, in the forward *and* the backward pass.
 *
 * On wasm only a 2-D matmul without transpose flags reaches XNNPACK (~35–45 GFLOP/s here);
 * flagged or batched ones fall to a naive loop (1–3.6 GFLOP/s), and tfjs' autodiff of `matMul`
 * uses flags. So the gradient here transposes explicitly (a cheap copy) and multiplies plainly,
 * and a batched product runs each entry on the 2-D path (the `UalBatchMatMul` kernel, which
 * reads each entry in place). On other backends it is `tf.matMul` with the same gradient.
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
  if (a.rank !== b.rank || (a.rank !== 2 && a.rank !== 3)) {
    throw new Error(`matMulPlain: a and b must both be rank 2 or both rank 3, got [${a.shape}] and [${b.shape}]`);
  }
  const k = a.shape[a.rank - 1];
  if (k !== b.shape[b.rank - 2] || (a.rank === 3 && a.shape[0] !== b.shape[0])) {
    throw new Error(`matMulPlain: shapes [${a.shape}] and [${b.shape}] do not multiply`);
  }
  if (a.dtype !== "float32" || b.dtype !== "float32") throw new Error("matMulPlain: float32 tensors only");
  return plain(a, b) as T;
}

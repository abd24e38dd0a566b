import { backend, engine, getBackend, getKernel, matMul, reshape, type Tensor2D, type Tensor3D, tidy } from "@tensorflow/tfjs-core";
import { ensureKernels } from "./_ensure_kernels.ts";
import { nativeMatMulActive } from "./_native_mode.ts";
import { WASM_BATCH_MATMUL_KERNEL, wasmBatchMatMulKernels, wasmInternalsAvailable } from "./_wasm_batch_matmul.ts";

/**
 * `a · b` for [M,K]×[K,N] where `b` is a long-lived tensor (a frozen weight) that must not stay
 * packed: the product runs on XNNPACK's fast 2-D path, but the packed copy of `b` is freed when
 * the call returns.
 *
 * tfjs-backend-wasm caches, for every `b` it multiplies by, an XNNPACK operator holding `b`
 * repacked — a second copy of it — for as long as `b` lives. That is right for a temporary `b`
 * (freed with it) and costs a whole copy of the model for frozen weights used as `b` (the
 * backward pass of a LoRA base layer, dx = dy·W). Here the product reads `b` through a view that
 * is dropped afterwards (the `UalBatchMatMul` kernel), so the packing is redone per call: one
 * pass over `b`, cheap next to the product for a training step's many rows. The values are
 * those of `tf.matMul`. With native matmuls (which keep no packed copies) and on other backends
 * it is `tf.matMul`.
 *
 * Not differentiable on wasm: use it where no tape records (a custom gradient's forward or
 * backward function, or inference).
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { matMulUncached } from "@ual/nn";
 *
 * const frozen = tf.randomNormal([512, 128]) as tf.Tensor2D; // [out, in], as nn.Linear
 * const dy = tf.randomNormal([16, 512]) as tf.Tensor2D;
 * const dx = matMulUncached(dy, frozen); // [16, 128], and no packed copy of `frozen` is kept
 * ```
 */
export function matMulUncached(a: Tensor2D, b: Tensor2D): Tensor2D {
  if (a.rank !== 2 || b.rank !== 2 || a.shape[1] !== b.shape[0]) {
    throw new Error(`matMulUncached: expected a [M,K] and b [K,N], got [${a.shape}] and [${b.shape}]`);
  }
  if (a.dtype !== "float32" || b.dtype !== "float32") throw new Error("matMulUncached: float32 tensors only");
  if (getBackend() !== "wasm" || nativeMatMulActive()) return matMul(a, b);
  ensureKernels(wasmBatchMatMulKernels);
  if (getKernel(WASM_BATCH_MATMUL_KERNEL, "wasm") === undefined || !wasmInternalsAvailable(backend())) return matMul(a, b);
  const [m, k] = a.shape;
  const n = b.shape[1];
  return tidy(() => {
    const out = engine().runKernel(WASM_BATCH_MATMUL_KERNEL, { a: reshape(a, [1, m, k]), b: reshape(b, [1, k, n]) }) as Tensor3D;
    return reshape(out, [m, n]) as Tensor2D;
  });
}

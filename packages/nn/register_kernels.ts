import "./_register_gradients.ts";
import { ensureKernels } from "./_ensure_kernels.ts";
import { logitRowCpuKernels } from "./_logit_rows_cpu.ts";
import { nativeMatMulActive } from "./_native_mode.ts";
import { nativeFusedKernels } from "./_native_fused.ts";
import { nativeMatMulKernels, wasmOwnMatMulKernels } from "./_native_matmul.ts";
import { unsortedSegmentSumKernels } from "./_unsorted_segment_sum.ts";
import { wasmBatchMatMulKernels } from "./_wasm_batch_matmul.ts";
import { wasmGatherKernels } from "./_wasm_gather.ts";
import { wasmIdentityKernels } from "./_wasm_identity.ts";
import { wasmSliceKernels } from "./_wasm_slice.ts";

/**
 * Registers the kernels UAL supplies to tfjs:
 * - `UnsortedSegmentSum` for `wasm` (which has none; the gradient of `gather`, i.e. of every
 *   embedding lookup, needs it) and for `cpu` (replacing a kernel that is O(segments × size));
 * - the fused per-row kernels {@linkcode smoothedCrossEntropy} uses on `cpu`;
 * - `UalBatchMatMul` for `wasm`: batched matmuls on XNNPACK's 2-D path ({@linkcode matMulPlain});
 * - `Identity` for `wasm`, sharing the buffer instead of copying it: tfjs clones every tensor a
 *   gradient needs, so wasm's copying Identity held each saved activation twice in a training step;
 * - `Slice` and `SplitV` for `wasm`, reading the input in place (wasm's own copies the whole input to JavaScript);
 * - `GatherV2` on axis 0 for `wasm`, one block copy per row (wasm's own copies element by element);
 * - with native matmuls on ({@linkcode selectBackend}'s `nativeBlas`, the default where
 *   `@ual/blas` found OpenBLAS): `BatchMatMul` and `UalBatchMatMul` for `wasm` on the native
 *   sgemm, else wasm's own BatchMatMul; and fused GELU, LayerNorm and loss-row kernels for
 *   `wasm` in C on the heap (registered whenever `@ual/blas` loads, used while native is on).
 *
 * Idempotent. {@linkcode selectBackend} calls it; call it yourself only if you pick a backend
 * with `tf.setBackend` directly.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { registerKernels } from "@ual/nn";
 *
 * registerKernels();
 * await tf.setBackend("wasm");
 * const grad = tf.grad((table) => tf.sum(tf.gather(table, [0, 2, 0]))); // needs UnsortedSegmentSum
 * ```
 */
export function registerKernels(): void {
  ensureKernels(unsortedSegmentSumKernels);
  ensureKernels(logitRowCpuKernels);
  ensureKernels(wasmBatchMatMulKernels);
  const native = nativeMatMulActive() ? nativeMatMulKernels() : undefined;
  if (native !== undefined && "configs" in native) ensureKernels(native.configs);
  else ensureKernels(wasmOwnMatMulKernels());
  ensureKernels(wasmIdentityKernels);
  ensureKernels(wasmGatherKernels());
  ensureKernels(wasmSliceKernels);
  ensureKernels(nativeFusedKernels());
}

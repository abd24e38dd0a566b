import { backend, engine, getBackend, getKernel, matMul, type Tensor, type Tensor2D, type Tensor3D, tidy, transpose } from "@tensorflow/tfjs-core";
import { ensureKernels } from "./_ensure_kernels.ts";
import { nativeMatMulActive } from "./_native_mode.ts";
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

/** a·b, flag-free, on the fastest path of the backend (wasm: XNNPACK per batch entry). */
function plainProduct<T extends Tensor2D | Tensor3D>(a: T, b: T): T {
  if (a.rank === 3 && (a.shape[0] as number) > 1 && useWasmKernel()) {
    return engine().runKernel(WASM_BATCH_MATMUL_KERNEL, { a, b }) as T;
  }
  return matMul(a, b) as T;
}

/**
 * op(a)·op(b), not recorded for autodiff (for gradient functions and forwards of custom ops),
 * formulated for the backend in use: with native matmuls the flags go to sgemm, which takes them
 * at full speed; on XNNPACK a flagged or batched product falls to a slow loop, so the operands are
 * transposed explicitly (a cheap copy) and multiplied flag-free.
 */
export function product<T extends Tensor2D | Tensor3D>(a: T, b: T, transposeA = false, transposeB = false): T {
  if (nativeMatMulActive() || getBackend() !== "wasm") return matMul(a, b, transposeA, transposeB) as T;
  if (!transposeA && !transposeB) return plainProduct(a, b);
  return tidy(() => plainProduct(transposeA ? swapLast(a) : a, transposeB ? swapLast(b) : b));
}

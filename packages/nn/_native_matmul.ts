import { type Blas, loadBlas } from "@ual/blas";
import { broadcast_util, getKernel, type KernelConfig, type KernelFunc, type TensorInfo, util } from "@tensorflow/tfjs-core";
import { WASM_BATCH_MATMUL_KERNEL } from "./_wasm_batch_matmul.ts";
import { heapAvailable, offsetOf } from "./_wasm_heap.ts";

/** The kernel wasm registered for BatchMatMul before ours replaced it: the fallback. */
let wasmOwnBatchMatMul: KernelFunc | undefined;

function product(blas: Blas, args: Parameters<KernelFunc>[0]): TensorInfo | undefined {
  const { inputs, backend, attrs } = args;
  const a = inputs["a"] as TensorInfo;
  const b = inputs["b"] as TensorInfo;
  if (!heapAvailable(backend) || a.dtype !== "float32" || b.dtype !== "float32") return undefined;
  const transposeA = attrs?.["transposeA"] === true;
  const transposeB = attrs?.["transposeB"] === true;
  const aRank = a.shape.length;
  const bRank = b.shape.length;
  if (aRank < 2 || bRank < 2) return undefined;
  const m = (transposeA ? a.shape[aRank - 1] : a.shape[aRank - 2]) as number;
  const kA = (transposeA ? a.shape[aRank - 2] : a.shape[aRank - 1]) as number;
  const kB = (transposeB ? b.shape[bRank - 1] : b.shape[bRank - 2]) as number;
  const n = (transposeB ? b.shape[bRank - 2] : b.shape[bRank - 1]) as number;
  util.assert(kA === kB, () => `Error in matMul: inner shapes (${kA}) and (${kB}) of Tensors with shapes ${a.shape} and ${b.shape} and transposeA=${transposeA} and transposeB=${transposeB} must match.`);
  const outer = broadcast_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
  const batchA = util.sizeFromShape(a.shape.slice(0, -2));
  const batchB = util.sizeFromShape(b.shape.slice(0, -2));
  const batch = util.sizeFromShape(outer);
  // One side repeated for every entry is a stride of 0; other broadcasts go to wasm's kernel.
  if ((batchA !== batch && batchA !== 1) || (batchB !== batch && batchB !== 1)) return undefined;
  const out = backend.makeOutput([...outer, m, n], "float32");
  if (batch * m * n === 0) return out;
  // The heap is read after the allocation above, which may have grown (and so replaced) it.
  const heap = backend.wasm.HEAPU8;
  const cOff = offsetOf(backend, out);
  if (kA === 0) {
    new Float32Array(heap.buffer, 4 * cOff, batch * m * n).fill(0);
    return out;
  }
  blas.sgemmBatch(
    heap.buffer as ArrayBuffer,
    transposeA,
    transposeB,
    batch,
    m,
    n,
    kA,
    offsetOf(backend, a),
    batchA === 1 ? 0 : m * kA,
    offsetOf(backend, b),
    batchB === 1 ? 0 : kA * n,
    cOff,
    m * n,
  );
  return out;
}

function nativeKernels(blas: Blas): KernelConfig[] {
  const batchMatMul: KernelFunc = (args) => {
    const out = product(blas, args);
    if (out !== undefined) return out;
    if (wasmOwnBatchMatMul === undefined) throw new Error("native BatchMatMul: this product needs wasm's own kernel, which is not registered");
    return wasmOwnBatchMatMul(args);
  };
  const ualBatchMatMul: KernelFunc = (args) => batchMatMul({ ...args, attrs: {} });
  return [
    { kernelName: "BatchMatMul", backendName: "wasm", kernelFunc: batchMatMul },
    { kernelName: WASM_BATCH_MATMUL_KERNEL, backendName: "wasm", kernelFunc: ualBatchMatMul },
  ];
}

let kernels: { blas: Blas; configs: KernelConfig[] } | undefined;

/**
 * The wasm matmul kernels on the native BLAS (`@ual/blas`): `BatchMatMul` (every `tf.matMul`,
 * transpose flags and batches included) and `UalBatchMatMul`, each multiplying the tensors in
 * place in the wasm heap with OpenBLAS's sgemm — several times XNNPACK's single-threaded speed,
 * on as many threads as the library is given, with no packed copies kept between calls.
 * `undefined` with the reason when the native library is unavailable.
 */
export function nativeMatMulKernels(): { configs: KernelConfig[]; blas: Blas } | { reason: string } {
  if (kernels !== undefined) return kernels;
  const load = loadBlas();
  if (load.status !== "loaded") return { reason: load.reason };
  // Remember wasm's own kernel before it is replaced (the registry keeps one per name).
  wasmOwnBatchMatMul ??= getKernel("BatchMatMul", "wasm")?.kernelFunc;
  kernels = { blas: load.blas, configs: nativeKernels(load.blas) };
  return kernels;
}

/** wasm's own BatchMatMul kernel, to put back when the native kernels are switched off. */
export function wasmOwnMatMulKernels(): KernelConfig[] {
  const own = wasmOwnBatchMatMul ?? getKernel("BatchMatMul", "wasm")?.kernelFunc;
  return own === undefined ? [] : [{ kernelName: "BatchMatMul", backendName: "wasm", kernelFunc: own }];
}

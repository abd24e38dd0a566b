import { type KernelConfig, type KernelFunc, type TensorInfo } from "@tensorflow/tfjs-core";

/** Kernel name of the batched matmul that runs each batch entry on XNNPACK's fast 2-D path. */
export const WASM_BATCH_MATMUL_KERNEL = "UalBatchMatMul";

/** The parts of tfjs-backend-wasm 4.x this kernel uses (internal, so typed here by hand). */
interface WasmModule {
  cwrap(name: string, returns: null, args: string[]): (...args: unknown[]) => void;
  tfjs: {
    registerTensor(id: number, size: number, memoryOffset: number): void;
    disposeData(id: number): void;
  };
}

interface WasmBackend {
  wasm: WasmModule;
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: "float32"): TensorInfo;
}

// Ids for the views, far above any id tfjs hands out (it counts up from 1); reused because each
// view is disposed right after its matmul, which also drops XNNPACK's operator cached for it.
const VIEW_A = 0xfffffff0;
const VIEW_B = 0xfffffff1;
const VIEW_OUT = 0xfffffff2;

type BatchMatMulFn = (
  aId: number,
  aShape: Uint8Array,
  aRank: number,
  bId: number,
  bShape: Uint8Array,
  bRank: number,
  transposeA: number,
  transposeB: number,
  outId: number,
) => void;

const wrapped = new WeakMap<WasmModule, BatchMatMulFn>();

function batchMatMulOf(wasm: WasmModule): BatchMatMulFn {
  let fn = wrapped.get(wasm);
  if (fn === undefined) {
    fn = wasm.cwrap("BatchMatMul", null, ["number", "array", "number", "number", "array", "number", "number", "number", "number"]) as BatchMatMulFn;
    wrapped.set(wasm, fn);
  }
  return fn;
}

function shapeBytes(shape: readonly number[]): Uint8Array {
  return new Uint8Array(new Int32Array(shape).buffer);
}

function offsetOf(backend: WasmBackend, tensor: TensorInfo): number {
  const data = backend.dataIdMap.get(tensor.dataId);
  if (data === undefined) throw new Error(`${WASM_BATCH_MATMUL_KERNEL}: tensor data not found on the wasm backend`);
  return data.memoryOffset;
}

/**
 * a [G, M, K] × b [G, K, N] → [G, M, N], one plain 2-D matmul per entry of G.
 *
 * tfjs-backend-wasm sends a batched matmul (G > 1), and any matmul with a transpose flag, to a
 * naive loop that runs at ~3 GFLOP/s here, while a 2-D matmul without flags goes to XNNPACK at
 * 25–45 GFLOP/s. So this kernel registers each entry's slice of a, b and the output as a
 * *view* (an id pointing into the tensor's memory on the heap: no copy) and calls the backend's
 * own BatchMatMul on those 2-D views. Measured 5–9× faster than `tf.matMul` for attention's
 * [B·H, T, dh] shapes (packages/nn/README.md).
 */
const wasmBatchMatMul: KernelFunc = ({ inputs, backend }) => {
  const wasm = backend as unknown as WasmBackend;
  const a = inputs["a"] as TensorInfo;
  const b = inputs["b"] as TensorInfo;
  const [groups, m, k] = a.shape as [number, number, number];
  const [groupsB, kB, n] = b.shape as [number, number, number];
  if (a.shape.length !== 3 || b.shape.length !== 3 || groups !== groupsB || k !== kB) {
    throw new Error(`${WASM_BATCH_MATMUL_KERNEL}: expected a [G,M,K] and b [G,K,N], got [${a.shape}] and [${b.shape}]`);
  }
  if (a.dtype !== "float32" || b.dtype !== "float32") throw new Error(`${WASM_BATCH_MATMUL_KERNEL}: float32 only`);
  const out = wasm.makeOutput([groups, m, n], "float32");
  // Offsets are read after the allocation above (malloc never moves existing blocks).
  const aBase = offsetOf(wasm, a);
  const bBase = offsetOf(wasm, b);
  const outBase = offsetOf(wasm, out);
  const matmul = batchMatMulOf(wasm.wasm);
  const { tfjs } = wasm.wasm;
  const aShape = shapeBytes([1, m, k]);
  const bShape = shapeBytes([1, k, n]);
  for (let g = 0; g < groups; g++) {
    tfjs.registerTensor(VIEW_A, m * k, aBase + 4 * g * m * k);
    tfjs.registerTensor(VIEW_B, k * n, bBase + 4 * g * k * n);
    tfjs.registerTensor(VIEW_OUT, m * n, outBase + 4 * g * m * n);
    try {
      matmul(VIEW_A, aShape, 3, VIEW_B, bShape, 3, 0, 0, VIEW_OUT);
    } finally {
      // Drops the views (and the operator XNNPACK cached for b); the memory stays with its tensors.
      tfjs.disposeData(VIEW_A);
      tfjs.disposeData(VIEW_B);
      tfjs.disposeData(VIEW_OUT);
    }
  }
  return out;
};

/** True when this build of tfjs-backend-wasm has the internals the kernel relies on. */
export function wasmInternalsAvailable(backend: unknown): boolean {
  const b = backend as Partial<WasmBackend> | null;
  return (
    typeof b?.wasm?.cwrap === "function" &&
    typeof b.wasm.tfjs?.registerTensor === "function" &&
    typeof b.wasm.tfjs.disposeData === "function" &&
    typeof b.dataIdMap?.get === "function"
  );
}

/** The kernel, registered for the wasm backend only. */
export const wasmBatchMatMulKernels: readonly KernelConfig[] = [
  { kernelName: WASM_BATCH_MATMUL_KERNEL, backendName: "wasm", kernelFunc: wasmBatchMatMul },
];

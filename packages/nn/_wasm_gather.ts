import { getKernel, type KernelConfig, type KernelFunc, type TensorInfo, util } from "@tensorflow/tfjs-core";

/** The parts of tfjs-backend-wasm 4.x this kernel uses (internal, so typed here by hand). */
interface WasmBackend {
  makeOutput(shape: number[], dtype: TensorInfo["dtype"]): TensorInfo;
  /** A view of the tensor's memory on the heap (no copy); stale once the heap grows. */
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/** wasm's own GatherV2, for the cases this one leaves to it. */
let wasmOwn: KernelFunc | undefined;
/** Its setup (it binds the C function when the backend starts): ours runs it, so the fallback works. */
let wasmOwnSetup: KernelConfig["setupFunc"];

/**
 * `GatherV2` on axis 0 (rows: an embedding lookup, the rows of [B·T, V] logits a score needs) as
 * one block copy per index on the heap. wasm's own copies element by element with index
 * arithmetic per element: gathering 3800 rows of 4096 logits took ~480 ms, a memcpy per row
 * takes a few. Other axes, batch dims and string tensors go to wasm's kernel.
 */
const gatherRows: KernelFunc = (args) => {
  const { inputs, attrs } = args;
  const x = inputs["x"] as TensorInfo;
  const indices = inputs["indices"] as TensorInfo;
  const axis = util.parseAxisParam((attrs?.["axis"] as number) ?? 0, x.shape)[0];
  const batchDims = (attrs?.["batchDims"] as number | undefined) ?? 0;
  if (axis !== 0 || batchDims !== 0 || x.dtype === "string" || x.shape.length === 0 || indices.dtype !== "int32") {
    if (wasmOwn === undefined) throw new Error("GatherV2: wasm's own kernel is not registered");
    return wasmOwn(args);
  }
  const backend = args.backend as unknown as WasmBackend;
  const rows = x.shape[0] as number;
  const width = util.sizeFromShape(x.shape.slice(1));
  const out = backend.makeOutput([...indices.shape, ...x.shape.slice(1)], x.dtype);
  // views after makeOutput: an allocation may have grown (and so replaced) the heap
  const from = backend.typedArrayFromHeap(x);
  const to = backend.typedArrayFromHeap(out);
  const index = backend.typedArrayFromHeap(indices) as Int32Array;
  for (let i = 0; i < index.length; i++) {
    const row = index[i] as number;
    if (!(row >= 0 && row < rows)) throw new Error(`GatherV2: the index value ${row} is not in [0, ${rows - 1}]`);
    to.set(from.subarray(row * width, (row + 1) * width), i * width);
  }
  return out;
};

/** The kernel for the wasm backend (remembering wasm's own, which it falls back to). */
export function wasmGatherKernels(): KernelConfig[] {
  const current = getKernel("GatherV2", "wasm");
  if (current !== undefined && current.kernelFunc !== gatherRows) {
    wasmOwn = current.kernelFunc;
    wasmOwnSetup = current.setupFunc;
  }
  if (wasmOwn === undefined) return [];
  return [{ kernelName: "GatherV2", backendName: "wasm", kernelFunc: gatherRows, ...(wasmOwnSetup ? { setupFunc: wasmOwnSetup } : {}) }];
}

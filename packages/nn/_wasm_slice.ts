import { backend_util, type KernelConfig, type KernelFunc, slice_util, type TensorInfo, util } from "@tensorflow/tfjs-core";

/** The parts of tfjs-backend-wasm 4.x this kernel uses (internal, so typed here by hand). */
interface WasmBackend {
  makeOutput(shape: number[], dtype: TensorInfo["dtype"]): TensorInfo;
  /** A view of the tensor's memory on the heap (no copy); stale once the heap grows. */
  typedArrayFromHeap(t: TensorInfo): Float32Array | Int32Array | Uint8Array;
  readSync(dataId: object): Uint8Array[] | ArrayLike<number>;
  dataIdMap: { get(dataId: object): { stringBytes?: Uint8Array[] } | undefined };
}

/**
 * Calls `copy(from, to, length)` for every run of the slice's innermost axis, in order: the
 * source offset in `x` (row-major, `shape`) and the offset in the output.
 */
function forEachRun(fullShape: readonly number[], fullBegin: readonly number[], fullSize: readonly number[], copy: (from: number, to: number, length: number) => void): void {
  // Trailing axes taken whole are contiguous in the input: fold them, and the partly taken axis
  // before them, into one, so each run is as long as it can be (splitting attention's
  // [B, 3H, T, dh] along its head axis copies blocks of T·dh values, not of dh).
  let j = fullShape.length - 1;
  let inner = 1;
  while (j > 0 && fullSize[j] === fullShape[j]) inner *= fullShape[j--] as number;
  const shape = [...fullShape.slice(0, j), (fullShape[j] as number) * inner];
  const begin = [...fullBegin.slice(0, j), (fullBegin[j] as number) * inner];
  const size = [...fullSize.slice(0, j), (fullSize[j] as number) * inner];
  const rank = shape.length;
  const strides = util.computeStrides([...shape]);
  const length = size[rank - 1] as number;
  const runs = util.sizeFromShape(size.slice(0, -1) as number[]);
  const index = new Array<number>(Math.max(0, rank - 1)).fill(0);
  for (let run = 0; run < runs; run++) {
    let from = begin[rank - 1] as number;
    for (let d = 0; d < rank - 1; d++) from += ((begin[d] as number) + (index[d] as number)) * (strides[d] as number);
    copy(from, run * length, length);
    // odometer over the outer axes
    for (let d = rank - 2; d >= 0; d--) {
      index[d] = (index[d] as number) + 1;
      if ((index[d] as number) < (size[d] as number)) break;
      index[d] = 0;
    }
  }
}

/**
 * `Slice` for wasm that reads the input in place. tfjs-backend-wasm's own copies the *whole*
 * input out of the heap into JavaScript before taking the slice (`readSync`), so slicing a block
 * of columns out of a 32000 × 768 weight cost a 94 MiB copy, each time, outside the heap. The
 * values are the same: a row-major copy of the slice's runs.
 */
const sliceInPlace: KernelFunc = ({ inputs, attrs, backend }) => {
  const wasm = backend as unknown as WasmBackend;
  const x = inputs["x"] as TensorInfo;
  const [begin, size] = slice_util.parseSliceParams(x as never, attrs?.["begin"] as number[], attrs?.["size"] as number[]) as [number[], number[]];
  const out = wasm.makeOutput(size, x.dtype);
  if (util.sizeFromShape(size) === 0) return out;
  if (x.dtype === "string") {
    const values = wasm.readSync(x.dataId) as Uint8Array[];
    const result: Uint8Array[] = [];
    forEachRun(x.shape, begin, size, (from, _to, length) => result.push(...values.slice(from, from + length)));
    const data = wasm.dataIdMap.get(out.dataId);
    if (data !== undefined) data.stringBytes = result;
    return out;
  }
  if (x.shape.length === 0) return out;
  // views taken after makeOutput: an allocation may have grown (and so replaced) the heap
  const from = wasm.typedArrayFromHeap(x);
  const to = wasm.typedArrayFromHeap(out);
  forEachRun(x.shape, begin, size, (start, at, length) => to.set(from.subarray(start, start + length), at));
  return out;
};

/**
 * `SplitV` for wasm as consecutive in-place slices. wasm's own calls its internal slice, which
 * copies the whole input to JavaScript once per part: splitting attention's fused q·k·v
 * projection ([B·T, 3d]) cost three copies of it, 35 ms per layer for the small bench model.
 */
const splitInPlace: KernelFunc = ({ inputs, attrs, backend }) => {
  const x = inputs["x"] as TensorInfo;
  const axis = util.parseAxisParam(attrs?.["axis"] as number, x.shape)[0] as number;
  const sizes = backend_util.prepareSplitSize(x as never, attrs?.["numOrSizeSplits"] as number[] | number, axis);
  const begin = new Array<number>(x.shape.length).fill(0);
  return sizes.map((part) => {
    const size = [...x.shape];
    size[axis] = part;
    const out = sliceInPlace({ inputs: { x }, attrs: { begin: [...begin], size }, backend }) as TensorInfo;
    begin[axis] = (begin[axis] as number) + part;
    return out;
  });
};

/** The kernels, registered for the wasm backend only. */
export const wasmSliceKernels: readonly KernelConfig[] = [
  { kernelName: "Slice", backendName: "wasm", kernelFunc: sliceInPlace },
  { kernelName: "SplitV", backendName: "wasm", kernelFunc: splitInPlace },
];

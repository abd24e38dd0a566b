import { type DataType, type KernelConfig, type KernelFunc, type TensorInfo, UnsortedSegmentSum, util } from "@tensorflow/tfjs-core";
import type { MathBackendCPU } from "@tensorflow/tfjs-backend-cpu";
import type { BackendWasm } from "@tensorflow/tfjs-backend-wasm";

type NumericArray = Float32Array | Int32Array;

/** The shapes of one `UnsortedSegmentSum` call, checked the way TensorFlow checks them. */
interface SegmentPlan {
  outShape: number[];
  /** How many segment ids there are (the product of the ids' shape). */
  rows: number;
  /** How many values each id carries (the product of x's remaining dimensions). */
  rowSize: number;
  numSegments: number;
}

function plan(x: TensorInfo, segmentIds: TensorInfo, numSegments: number): SegmentPlan {
  // TensorFlow's contract: the ids' shape is a prefix of x's shape; the output replaces that
  // prefix with [numSegments]. tfjs' gather gradient always passes 1-D ids.
  const idsRank = segmentIds.shape.length;
  const prefix = x.shape.slice(0, idsRank);
  if (!util.arraysEqual(prefix, segmentIds.shape)) {
    throw new Error(
      `UnsortedSegmentSum: segmentIds shape [${segmentIds.shape}] must be a prefix of x shape [${x.shape}]`,
    );
  }
  if (!Number.isInteger(numSegments) || numSegments < 0) {
    throw new Error(`UnsortedSegmentSum: numSegments must be a non-negative integer, got ${numSegments}`);
  }
  const inner = x.shape.slice(idsRank);
  return {
    outShape: [numSegments, ...inner],
    rows: util.sizeFromShape(segmentIds.shape),
    rowSize: util.sizeFromShape(inner),
    numSegments,
  };
}

function checkDtype(dtype: DataType): "float32" | "int32" {
  if (dtype !== "float32" && dtype !== "int32") {
    throw new Error(`UnsortedSegmentSum: x must be float32 or int32, got ${dtype}`);
  }
  return dtype;
}

/**
 * Adds row `i` of `x` into row `ids[i]` of `out` (which the caller has zeroed). One pass over
 * `x`, so the cost is O(|x|) instead of the O(numSegments·|x|) of tfjs' pure-JS kernel.
 * Negative ids are dropped (TensorFlow does the same); ids ≥ numSegments are an error.
 */
function accumulate(x: NumericArray, ids: Int32Array, out: NumericArray, p: SegmentPlan): void {
  const { rows, rowSize, numSegments } = p;
  for (let i = 0; i < rows; i++) {
    const seg = ids[i] as number;
    if (seg < 0) continue;
    if (seg >= numSegments) {
      throw new Error(`UnsortedSegmentSum: segment id ${seg} at position ${i} is outside [0, ${numSegments})`);
    }
    const src = i * rowSize;
    const dst = seg * rowSize;
    for (let k = 0; k < rowSize; k++) out[dst + k] = (out[dst + k] as number) + (x[src + k] as number);
  }
}

const wasmUnsortedSegmentSum: KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as BackendWasm;
  const x = inputs["x"] as TensorInfo;
  const segmentIds = inputs["segmentIds"] as TensorInfo;
  const p = plan(x, segmentIds, attrs?.["numSegments"] as number);
  const dtype = checkDtype(x.dtype);
  const out = wasm.makeOutput(p.outShape, dtype);
  // Views into the wasm heap are taken after the allocation above: an allocation may grow the
  // heap, which detaches views made earlier.
  const outValues = wasm.typedArrayFromHeap(out) as NumericArray;
  outValues.fill(0); // malloc does not zero
  accumulate(
    wasm.typedArrayFromHeap(x) as NumericArray,
    wasm.typedArrayFromHeap(segmentIds) as Int32Array,
    outValues,
    p,
  );
  return out;
};

const cpuUnsortedSegmentSum: KernelFunc = ({ inputs, backend, attrs }) => {
  const cpu = backend as MathBackendCPU;
  const x = inputs["x"] as TensorInfo;
  const segmentIds = inputs["segmentIds"] as TensorInfo;
  const p = plan(x, segmentIds, attrs?.["numSegments"] as number);
  const dtype = checkDtype(x.dtype);
  const outValues = dtype === "float32"
    ? new Float32Array(util.sizeFromShape(p.outShape))
    : new Int32Array(util.sizeFromShape(p.outShape));
  accumulate(cpu.readSync(x.dataId) as NumericArray, cpu.readSync(segmentIds.dataId) as Int32Array, outValues, p);
  return cpu.makeTensorInfo(p.outShape, dtype, outValues);
};

/**
 * `UnsortedSegmentSum`, which the gradient of `gather` (embedding lookups) needs: the wasm
 * backend has no kernel for it, and the cpu backend's builds one mask per segment, which makes
 * an embedding gradient over a 32k vocabulary crawl.
 */
export const unsortedSegmentSumKernels: readonly KernelConfig[] = [
  { kernelName: UnsortedSegmentSum, backendName: "wasm", kernelFunc: wasmUnsortedSegmentSum },
  { kernelName: UnsortedSegmentSum, backendName: "cpu", kernelFunc: cpuUnsortedSegmentSum },
];

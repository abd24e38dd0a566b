import { loadBlas } from "@ual/blas";
import { type KernelConfig, type KernelFunc, type TensorInfo } from "@tensorflow/tfjs-core";

/** Kernel name of one fused AdamW update of one variable (see `createAdamW`). */
export const ADAMW_STEP_KERNEL = "UalAdamWStep";

/** The parts of tfjs-backend-wasm 4.x this kernel uses (internal, so typed here by hand). */
interface WasmBackend {
  wasm: { HEAPU8: Uint8Array };
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: "float32"): TensorInfo;
  /** A view of the tensor's memory on the heap (no copy); stale once the heap grows. */
  typedArrayFromHeap(t: TensorInfo): Float32Array;
}

/**
 * One AdamW update of one variable in a single pass: (param, grad, m, v) → (param', m', v'),
 * PyTorch's order (decay, then the Adam step; denominator √(v/c2) + ε), each value computed in
 * float64 and rounded once. As ~12 tfjs ops it was 12 dispatches and 9 temporary buffers per
 * variable (11.8 ms a step for a 52-variable model on wasm); here it is one pass over four
 * buffers — in C on the heap when `@ual/blas` loads (float32, as torch), else in JavaScript
 * (float64, rounded once). New buffers are written, never the inputs (the wasm kernels share
 * buffers on Identity).
 */
const adamWStep: KernelFunc = ({ inputs, backend, attrs }) => {
  const wasm = backend as unknown as WasmBackend;
  const [param, grad, m, v] = (["param", "grad", "m", "v"] as const).map((k) => inputs[k] as TensorInfo) as [TensorInfo, TensorInfo, TensorInfo, TensorInfo];
  const { beta1, beta2, stepSize, c2, epsilon, decay } = attrs as Record<string, number>;
  const outParam = wasm.makeOutput([...param.shape], "float32");
  const outM = wasm.makeOutput([...param.shape], "float32");
  const outV = wasm.makeOutput([...param.shape], "float32");
  const native = loadBlas();
  if (native.status === "loaded" && typeof wasm.wasm?.HEAPU8?.buffer === "object") {
    const at = (t: TensorInfo) => {
      const data = wasm.dataIdMap.get(t.dataId);
      if (data === undefined) throw new Error(`${ADAMW_STEP_KERNEL}: tensor data not found on the wasm backend`);
      return data.memoryOffset / 4;
    };
    native.blas.adamwStep(
      wasm.wasm.HEAPU8.buffer as ArrayBuffer,
      param.shape.reduce((a, b) => a * b, 1),
      { param: at(param), grad: at(grad), m: at(m), v: at(v), outParam: at(outParam), outM: at(outM), outV: at(outV) },
      { beta1: beta1 as number, beta2: beta2 as number, stepSize: stepSize as number, invC2: 1 / (c2 as number), epsilon: epsilon as number, decay: decay as number },
    );
    return [outParam, outM, outV];
  }
  // views after the allocations: an allocation may have grown (and so replaced) the heap
  const p = wasm.typedArrayFromHeap(param);
  const g = wasm.typedArrayFromHeap(grad);
  const m0 = wasm.typedArrayFromHeap(m);
  const v0 = wasm.typedArrayFromHeap(v);
  const p1 = wasm.typedArrayFromHeap(outParam);
  const m1 = wasm.typedArrayFromHeap(outM);
  const v1 = wasm.typedArrayFromHeap(outV);
  update(p, g, m0, v0, p1, m1, v1, beta1 as number, beta2 as number, stepSize as number, 1 / (c2 as number), epsilon as number, decay as number);
  return [outParam, outM, outV];
};

// A plain function of numbers and typed arrays, which the JIT compiles to a tight loop.
function update(
  p: Float32Array, g: Float32Array, m0: Float32Array, v0: Float32Array, p1: Float32Array, m1: Float32Array, v1: Float32Array,
  beta1: number, beta2: number, stepSize: number, invC2: number, epsilon: number, decay: number,
): void {
  const a1 = 1 - beta1;
  const a2 = 1 - beta2;
  const n = p.length;
  for (let i = 0; i < n; i++) {
    const gi = g[i]!;
    m1[i] = m0[i]! * beta1 + gi * a1;
    v1[i] = v0[i]! * beta2 + gi * gi * a2;
    p1[i] = p[i]! * decay - (m1[i]! * stepSize) / (Math.sqrt(v1[i]! * invC2) + epsilon);
  }
}

/** The kernel, registered for the wasm backend only (elsewhere `createAdamW` uses tfjs ops). */
export const adamWStepKernels: readonly KernelConfig[] = [{ kernelName: ADAMW_STEP_KERNEL, backendName: "wasm", kernelFunc: adamWStep }];

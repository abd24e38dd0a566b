import { type Blas, loadBlas } from "@ual/blas";
import { getBackend, getKernel, type KernelConfig, type KernelFunc, type TensorInfo } from "@tensorflow/tfjs-core";
import { ROW_GRAD_KERNEL, ROW_STATS_KERNEL } from "./_logit_rows_cpu.ts";
import { nativeMatMulActive } from "./_native_mode.ts";
import { heapAvailable, heapBuffer, offsetOf, type WasmHeapBackend } from "./_wasm_heap.ts";

/** GELU forward: x → y. */
export const GELU_KERNEL = "UalGelu";
/** GELU backward: (x, dy) → dx. */
export const GELU_GRAD_KERNEL = "UalGeluGrad";
/** LayerNorm forward over the last axis of [rows, d]: (x, gamma, beta) → (y, x̂, 1/σ). */
export const LAYER_NORM_KERNEL = "UalLayerNorm";
/** LayerNorm backward: (dy, x̂, 1/σ, gamma) → (dx, dγ, dβ). */
export const LAYER_NORM_GRAD_KERNEL = "UalLayerNormGrad";

function heapOf(name: string, backend: unknown): WasmHeapBackend {
  if (!heapAvailable(backend)) throw new Error(`${name}: this build of tfjs-backend-wasm does not expose its heap`);
  return backend;
}

function float32(name: string, ...tensors: TensorInfo[]): void {
  for (const t of tensors) if (t.dtype !== "float32") throw new Error(`${name}: float32 tensors only, got ${t.dtype}`);
}

function size(t: TensorInfo): number {
  return t.shape.reduce((a, b) => a * b, 1);
}

function kernels(blas: Blas): KernelConfig[] {
  const gelu: KernelFunc = ({ inputs, backend }) => {
    const heap = heapOf(GELU_KERNEL, backend);
    const x = inputs["x"] as TensorInfo;
    float32(GELU_KERNEL, x);
    const y = heap.makeOutput([...x.shape], "float32");
    blas.geluForward(heapBuffer(heap), size(x), offsetOf(heap, x), offsetOf(heap, y));
    return y;
  };
  const geluGrad: KernelFunc = ({ inputs, backend }) => {
    const heap = heapOf(GELU_GRAD_KERNEL, backend);
    const x = inputs["x"] as TensorInfo;
    const dy = inputs["dy"] as TensorInfo;
    float32(GELU_GRAD_KERNEL, x, dy);
    const dx = heap.makeOutput([...x.shape], "float32");
    blas.geluBackward(heapBuffer(heap), size(x), offsetOf(heap, x), offsetOf(heap, dy), offsetOf(heap, dx));
    return dx;
  };
  const layerNorm: KernelFunc = ({ inputs, backend, attrs }) => {
    const heap = heapOf(LAYER_NORM_KERNEL, backend);
    const [x, gamma, beta] = (["x", "gamma", "beta"] as const).map((k) => inputs[k] as TensorInfo) as [TensorInfo, TensorInfo, TensorInfo];
    float32(LAYER_NORM_KERNEL, x, gamma, beta);
    const [rows, d] = x.shape as [number, number];
    const y = heap.makeOutput([rows, d], "float32");
    const xHat = heap.makeOutput([rows, d], "float32");
    const rstd = heap.makeOutput([rows, 1], "float32");
    const epsilon = (attrs as { epsilon: number }).epsilon;
    const at = (t: TensorInfo) => offsetOf(heap, t);
    blas.layerNormForward(heapBuffer(heap), rows, d, at(x), at(gamma), at(beta), at(y), at(xHat), at(rstd), epsilon);
    return [y, xHat, rstd];
  };
  const layerNormGrad: KernelFunc = ({ inputs, backend }) => {
    const heap = heapOf(LAYER_NORM_GRAD_KERNEL, backend);
    const [dy, xHat, rstd, gamma] = (["dy", "xHat", "rstd", "gamma"] as const).map((k) => inputs[k] as TensorInfo) as [TensorInfo, TensorInfo, TensorInfo, TensorInfo];
    float32(LAYER_NORM_GRAD_KERNEL, dy, xHat, rstd, gamma);
    const [rows, d] = dy.shape as [number, number];
    const dx = heap.makeOutput([rows, d], "float32");
    const dGamma = heap.makeOutput([d], "float32");
    const dBeta = heap.makeOutput([d], "float32");
    const at = (t: TensorInfo) => offsetOf(heap, t);
    blas.layerNormBackward(heapBuffer(heap), rows, d, at(dy), at(xHat), at(rstd), at(gamma), at(dx), at(dGamma), at(dBeta));
    return [dx, dGamma, dBeta];
  };
  const rowStats: KernelFunc = ({ inputs, backend }) => {
    const heap = heapOf(ROW_STATS_KERNEL, backend);
    const logits = inputs["logits"] as TensorInfo;
    const targets = inputs["targets"] as TensorInfo;
    float32(ROW_STATS_KERNEL, logits);
    if (targets.dtype !== "int32") throw new Error(`${ROW_STATS_KERNEL}: int32 targets only, got ${targets.dtype}`);
    const [rows, width] = logits.shape as [number, number];
    const outs = [0, 1, 2, 3].map(() => heap.makeOutput([rows], "float32")) as [TensorInfo, TensorInfo, TensorInfo, TensorInfo];
    const at = (t: TensorInfo) => offsetOf(heap, t);
    blas.rowStats(heapBuffer(heap), rows, width, at(logits), at(targets), at(outs[0]), at(outs[1]), at(outs[2]), at(outs[3]));
    return outs;
  };
  const rowGrad: KernelFunc = ({ inputs, backend }) => {
    const heap = heapOf(ROW_GRAD_KERNEL, backend);
    const [logits, targets, logSumExp, scale, offScale, targetScale] = (["logits", "targets", "logSumExp", "scale", "offScale", "targetScale"] as const).map(
      (k) => inputs[k] as TensorInfo,
    ) as [TensorInfo, TensorInfo, TensorInfo, TensorInfo, TensorInfo, TensorInfo];
    float32(ROW_GRAD_KERNEL, logits, logSumExp, scale, offScale, targetScale);
    const [rows, width] = logits.shape as [number, number];
    const g = heap.makeOutput([rows, width], "float32");
    const at = (t: TensorInfo) => offsetOf(heap, t);
    blas.rowGrad(heapBuffer(heap), rows, width, at(logits), at(targets), at(logSumExp), at(scale), at(offScale), at(targetScale), at(g));
    return g;
  };
  const wasm = (kernelName: string, kernelFunc: KernelFunc): KernelConfig => ({ kernelName, backendName: "wasm", kernelFunc });
  return [
    wasm(GELU_KERNEL, gelu),
    wasm(GELU_GRAD_KERNEL, geluGrad),
    wasm(LAYER_NORM_KERNEL, layerNorm),
    wasm(LAYER_NORM_GRAD_KERNEL, layerNormGrad),
    wasm(ROW_STATS_KERNEL, rowStats),
    wasm(ROW_GRAD_KERNEL, rowGrad),
  ];
}

let cached: KernelConfig[] | undefined;

/**
 * The fused GELU, LayerNorm and loss-row kernels for wasm, in C on the heap (`@ual/blas`), or
 * none when the addon is unavailable. Registered with the native matmuls; the layers use them
 * only while {@linkcode fusedKernel} says so.
 */
export function nativeFusedKernels(): KernelConfig[] {
  if (cached !== undefined) return cached;
  const load = loadBlas();
  cached = load.status === "loaded" ? kernels(load.blas) : [];
  return cached;
}

/**
 * Whether the layers should run `name` as one kernel on the current backend: on wasm only while
 * the native kernels are on (so `nativeBlas: false` measures and tests the op-based path), on
 * other backends whenever one is registered (the cpu backend's loss rows).
 */
export function fusedKernel(name: string): boolean {
  const backend = getBackend();
  if (getKernel(name, backend) === undefined) return false;
  return backend !== "wasm" || nativeMatMulActive();
}

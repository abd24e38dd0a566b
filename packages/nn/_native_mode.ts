import { getBackend } from "@tensorflow/tfjs-core";

let enabled = false;

/**
 * Whether wasm's matmuls run on the native BLAS ({@linkcode selectBackend}'s `nativeBlas`).
 * The layers ask so that they can pass transpose flags (native sgemm takes them at full speed)
 * instead of the explicit transposes XNNPACK's flag-free path needs.
 */
export function nativeMatMulActive(): boolean {
  return enabled && getBackend() === "wasm";
}

/** Set by selectBackend; the kernels themselves are (re)registered by registerKernels. */
export function setNativeMatMul(on: boolean): void {
  enabled = on;
}

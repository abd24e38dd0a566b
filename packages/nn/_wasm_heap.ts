import type { TensorInfo } from "@tensorflow/tfjs-core";

/** The parts of tfjs-backend-wasm 4.x the native kernels use (internal, so typed by hand). */
export interface WasmHeapBackend {
  wasm: { HEAPU8: Uint8Array };
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: "float32"): TensorInfo;
}

/** True when this build of tfjs-backend-wasm exposes what the native kernels read. */
export function heapAvailable(backend: unknown): backend is WasmHeapBackend {
  const b = backend as Partial<WasmHeapBackend> | null;
  return b?.wasm?.HEAPU8 instanceof Uint8Array && typeof b.dataIdMap?.get === "function" && typeof b.makeOutput === "function";
}

/** Where a tensor's data starts on the heap, in float32 elements. */
export function offsetOf(backend: WasmHeapBackend, tensor: TensorInfo): number {
  const data = backend.dataIdMap.get(tensor.dataId);
  if (data === undefined) throw new Error("native kernel: tensor data not found on the wasm backend");
  // malloc aligns to at least 8 bytes, so every float32 (and int32) tensor starts on a 4-byte boundary
  return data.memoryOffset / 4;
}

/** The heap as the native kernels take it; read after the outputs are made (making one may grow, and so replace, the heap). */
export function heapBuffer(backend: WasmHeapBackend): ArrayBuffer {
  return backend.wasm.HEAPU8.buffer as ArrayBuffer;
}

import { type KernelConfig, type KernelFunc, type TensorInfo } from "@tensorflow/tfjs-core";

/** The part of tfjs-backend-wasm 4.x this kernel uses (its buffers are reference counted). */
interface RefCountingBackend {
  incRef(dataId: object): void;
}

/**
 * `Identity` for wasm that shares the input's buffer (one more reference) instead of copying it,
 * as the cpu backend's does.
 *
 * tfjs clones (runs Identity on) every tensor a gradient function needs while it records a
 * tape, and wasm's own Identity copies the buffer. So in a training step every saved
 * activation existed twice until the backward pass ended, and the frozen embedding table, which
 * `gather` saves, was copied whole (94 MiB for a 32000 × 768 table) on every step. Sharing is
 * safe because no wasm kernel writes into an existing buffer: every op allocates its output,
 * and `Variable.assign` swaps buffers rather than writing into one.
 */
const sharedIdentity: KernelFunc = ({ inputs, backend }) => {
  const x = inputs["x"] as TensorInfo;
  (backend as unknown as RefCountingBackend).incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
};

/** The kernel, registered for the wasm backend only. */
export const wasmIdentityKernels: readonly KernelConfig[] = [{ kernelName: "Identity", backendName: "wasm", kernelFunc: sharedIdentity }];

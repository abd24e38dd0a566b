import { selectBackend } from "./backend.ts";

/** A backend the numeric tests run on, and whether it can run here. */
export interface TestBackend {
  /** `wasm`: the default wasm path (matmuls on the native BLAS where it loads); `wasm-xnnpack`: wasm's own kernels only. */
  name: "wasm" | "wasm-xnnpack" | "cpu" | "tensorflow";
  available: boolean;
}

/**
 * The backends every numeric test runs on (STYLE.md): wasm (with native matmuls where
 * `@ual/blas` loads), wasm on its own XNNPACK kernels, cpu, and tensorflow when
 * `@tensorflow/tfjs-node` is installed (its tests are reported as skipped otherwise). Probing
 * "tensorflow" imports tfjs-node when it is present.
 */
export async function testBackends(): Promise<TestBackend[]> {
  const tensorflow = await selectBackend("tensorflow").then(() => true, () => false);
  return [
    { name: "wasm", available: true },
    { name: "wasm-xnnpack", available: true },
    { name: "cpu", available: true },
    { name: "tensorflow", available: tensorflow },
  ];
}

/** Selects a backend by its {@linkcode TestBackend} name. */
export async function useBackend(name: TestBackend["name"]): Promise<void> {
  if (name === "wasm-xnnpack") await selectBackend("wasm", { nativeBlas: false });
  else await selectBackend(name);
}

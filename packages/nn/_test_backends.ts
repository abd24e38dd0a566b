import { loadBlas } from "@ual/blas";
import { selectBackend } from "./backend.ts";

/** A backend the numeric tests run on, and whether it can run here. */
export interface TestBackend {
  /**
   * `wasm`: the default wasm path (matmuls on the system BLAS where one is found, else on
   * `@ual/blas`'s own kernels); `wasm-own`: wasm with the own kernels where a system BLAS would
   * otherwise be used; `wasm-xnnpack`: wasm's own kernels only.
   */
  name: "wasm" | "wasm-own" | "wasm-xnnpack" | "cpu" | "tensorflow";
  available: boolean;
}

function kernelPaths(): string[] {
  const load = loadBlas();
  return load.status === "loaded" ? load.blas.kernelPaths() : [];
}

/**
 * The backends every numeric test runs on (STYLE.md): wasm (with native matmuls where
 * `@ual/blas` loads), wasm on `@ual/blas`'s own kernels when a system BLAS is the default,
 * wasm on its own XNNPACK kernels, cpu, and tensorflow when `@tensorflow/tfjs-node` is
 * installed (its tests are reported as skipped otherwise). Probing "tensorflow" imports
 * tfjs-node when it is present.
 */
export async function testBackends(): Promise<TestBackend[]> {
  const tensorflow = await selectBackend("tensorflow").then(() => true, () => false);
  return [
    { name: "wasm", available: true },
    { name: "wasm-own", available: kernelPaths()[0] === "system" },
    { name: "wasm-xnnpack", available: true },
    { name: "cpu", available: true },
    { name: "tensorflow", available: tensorflow },
  ];
}

/** Selects a backend by its {@linkcode TestBackend} name. */
export async function useBackend(name: TestBackend["name"]): Promise<void> {
  if (name === "wasm-xnnpack") return void (await selectBackend("wasm", { nativeBlas: false }));
  if (name === "wasm" || name === "wasm-own") {
    const paths = kernelPaths();
    const path = name === "wasm" ? paths[0] : paths.find((p) => p !== "system");
    const load = loadBlas();
    if (path !== undefined && load.status === "loaded") load.blas.useKernels(path);
    return void (await selectBackend("wasm"));
  }
  await selectBackend(name);
}

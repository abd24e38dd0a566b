import { selectBackend } from "./backend.ts";

/** A backend the numeric tests run on, and whether it can run here. */
export interface TestBackend {
  name: "wasm" | "cpu" | "tensorflow";
  available: boolean;
}

/**
 * The backends every numeric test runs on (STYLE.md): wasm, cpu, and tensorflow when
 * `@tensorflow/tfjs-node` is installed (its tests are reported as skipped otherwise). Probing
 * "tensorflow" imports tfjs-node when it is present.
 */
export async function testBackends(): Promise<TestBackend[]> {
  const tensorflow = await selectBackend("tensorflow").then(() => true, () => false);
  return [
    { name: "wasm", available: true },
    { name: "cpu", available: true },
    { name: "tensorflow", available: tensorflow },
  ];
}

/** Selects a backend by its {@linkcode TestBackend} name. */
export async function useBackend(name: TestBackend["name"]): Promise<void> {
  await selectBackend(name);
}

import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import { isMainThread } from "node:worker_threads";
import { dirname } from "node:path";
import { backend, env, findBackend, findBackendFactory, getBackend, ready, setBackend, version_core } from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { getThreadsCount, setThreadsCount, setWasmPaths, version_wasm } from "@tensorflow/tfjs-backend-wasm";
import { defaultImport, type ImportModule, installHint, loadNative, type NativeLoad, type NativePackage } from "./_load_native.ts";
import "./_register_gradients.ts";
import { nativeMatMulKernels } from "./_native_matmul.ts";
import { nativeMatMulActive, setNativeMatMul } from "./_native_mode.ts";
import { registerKernels } from "./register_kernels.ts";

/** Which tfjs backend to run on. */
export type BackendChoice = "auto" | "tensorflow-gpu" | "tensorflow" | "wasm" | "cpu";

/** The backend choices, in the order `"auto"` tries them. */
export const BACKEND_CHOICES: readonly BackendChoice[] = ["auto", "tensorflow-gpu", "tensorflow", "wasm", "cpu"];

/** Options of {@linkcode selectBackend}. */
export interface SelectBackendOptions {
  /**
   * wasm: XNNPACK threads. Used where tfjs runs wasm multi-threaded (browsers with
   * cross-origin isolation); tfjs-backend-wasm 4.x is single-threaded under Node. Default: all cores.
   */
  threads?: number;
  /** wasm: the directory (with a trailing slash) or URL prefix of the `.wasm` binaries. Default: the installed package's. */
  wasmPaths?: string;
  /**
   * wasm: run the matmuls natively (`@ual/blas`, in place on the wasm heap: a system BLAS such
   * as OpenBLAS where one is found, else its own kernels for the CPU;
   * several times XNNPACK's speed), falling back to wasm's own kernels when it is unavailable
   * (the detail line says why). Default true, unless the environment sets `UAL_NATIVE_BLAS=0`.
   */
  nativeBlas?: boolean;
  /**
   * wasm with native matmuls: the BLAS library's threads (process-wide; the last call wins).
   * Default: one per core on the main thread; a worker thread leaves the count as it is (a
   * data-parallel trainer sets it to cores ÷ its threads with {@linkcode setBlasThreads}).
   */
  blasThreads?: number;
  /** How the optional native packages are imported (tests pass a fake). Default: `import()`. */
  importModule?: ImportModule;
}

/** The backend in use after {@linkcode selectBackend}. */
export interface SelectedBackend {
  /** The tfjs backend name: `"tensorflow"`, `"wasm"` or `"cpu"`. */
  name: string;
  /** One line for logs: package, version, device, threads, and why earlier candidates were skipped. */
  detail: string;
}

interface NativeBackendFlags {
  isGPUPackage?: boolean;
  isUsingGpuDevice?: boolean;
}

function wasmDirectory(): string {
  // The package's main file sits in its dist/ directory, next to the .wasm binaries.
  const require = createRequire(import.meta.url);
  return `${dirname(require.resolve("@tensorflow/tfjs-backend-wasm"))}/`;
}

async function activate(name: string, native = false): Promise<void> {
  let ok = false;
  try {
    ok = await setBackend(name);
  } catch (error) {
    throw new Error(`selectBackend: the ${name} backend failed to start: ${(error as Error).message}`);
  }
  if (!ok) throw new Error(`selectBackend: the ${name} backend failed to start (tfjs logged the reason above)`);
  await ready();
  setNativeMatMul(native);
  registerKernels();
}

async function useWasm(options: SelectBackendOptions, skipped: string[]): Promise<SelectedBackend> {
  if (findBackend("wasm") == null) {
    // Both must be set before the backend initialises; afterwards they have no effect.
    setWasmPaths(options.wasmPaths ?? wasmDirectory());
    if (options.threads !== undefined) setThreadsCount(options.threads);
  }
  const wantNative = options.nativeBlas ?? process.env.UAL_NATIVE_BLAS !== "0";
  const native = wantNative ? nativeMatMulKernels() : { reason: "" };
  await activate("wasm", "blas" in native);
  let matmuls = "reason" in native && native.reason !== "" ? `matmuls: wasm XNNPACK (${native.reason})` : "matmuls: wasm XNNPACK (nativeBlas: false)";
  if ("blas" in native) {
    const blasThreads = options.blasThreads ?? (isMainThread ? availableParallelism() : undefined);
    if (blasThreads !== undefined) native.blas.setThreads(Math.max(1, blasThreads));
    matmuls = `matmuls: ${native.blas.info().matmuls}`;
  }
  const simd = await env().getAsync("WASM_HAS_SIMD_SUPPORT");
  const threads = getThreadsCount();
  const node = env().getBool("IS_NODE");
  const threadNote = node && threads <= 1 ? " (tfjs-backend-wasm runs single-threaded under Node)" : "";
  const skippedNote = skipped.length > 0 ? `; ${skipped.join("; ")}` : "";
  return {
    name: "wasm",
    detail:
      `tfjs-backend-wasm ${version_wasm}, SIMD ${simd === true ? "on" : "off"}, ` +
      `${threads} thread${threads === 1 ? "" : "s"}${threadNote}; ${matmuls}${skippedNote}`,
  };
}

function nativeDetail(): { gpu: boolean; detail: string } {
  const flags = backend() as unknown as NativeBackendFlags;
  const gpu = flags.isUsingGpuDevice === true;
  const pkg = flags.isGPUPackage === true ? "@tensorflow/tfjs-node-gpu" : "@tensorflow/tfjs-node";
  const device = gpu ? "GPU" : flags.isGPUPackage === true ? "CPU (TensorFlow sees no GPU)" : "CPU";
  return { gpu, detail: `${pkg} (tfjs-core ${version_core}), TensorFlow on ${device}` };
}

/** Loads one native package unless the "tensorflow" backend is already registered. */
async function native(specifier: NativePackage, importModule: ImportModule): Promise<NativeLoad> {
  // e.g. the application imported tfjs-node itself
  if (findBackendFactory("tensorflow") != null) return { status: "loaded" };
  return loadNative(specifier, importModule);
}

function describe(specifier: NativePackage, load: NativeLoad): string {
  return load.status === "missing"
    ? `${specifier} is not installed`
    : load.status === "broken"
    ? `${specifier} is installed but failed to load: ${load.reason}`
    : `${specifier} loaded`;
}

function unavailable(choice: BackendChoice, specifier: NativePackage, load: NativeLoad, extra = ""): Error {
  return new Error(
    `selectBackend: backend "${choice}" is unavailable: ${describe(specifier, load)}.${extra} ` +
      `To get it: ${installHint(specifier)}. Or choose "wasm" (fast, always installed) or "auto".`,
  );
}

/**
 * Makes a tfjs backend current and registers the kernels UAL supplies
 * ({@linkcode registerKernels}).
 *
 * - `"auto"`: `@tensorflow/tfjs-node-gpu` if it is installed (then it runs on the GPU if
 *   TensorFlow sees one, else on TensorFlow's CPU kernels), else `@tensorflow/tfjs-node`, else
 *   wasm (SIMD; threads where tfjs supports them). Never the pure-JS `cpu`.
 * - `"tensorflow-gpu"`: tfjs-node-gpu, and it must see a GPU.
 * - `"tensorflow"`: tfjs-node (or tfjs-node-gpu if only that is installed).
 * - `"wasm"`, `"cpu"`: the bundled backends; `cpu` is slow and meant for tests.
 *
 * The native packages are optional peer dependencies: they are imported only here, and asking
 * for one that is absent or broken throws an error saying how to install it.
 *
 * @example
 * ```ts
 * import { selectBackend } from "@ual/nn";
 *
 * const { name, detail } = await selectBackend("auto");
 * console.log(`backend ${name}: ${detail}`); // e.g. "backend wasm: tfjs-backend-wasm 4.22.0, SIMD on, 1 thread ..."
 * ```
 */
export async function selectBackend(choice: BackendChoice, options: SelectBackendOptions = {}): Promise<SelectedBackend> {
  const importModule = options.importModule ?? defaultImport;
  switch (choice) {
    case "cpu":
      await activate("cpu");
      return { name: "cpu", detail: "tfjs-backend-cpu (pure JavaScript: slow, for tests and debugging)" };
    case "wasm":
      return useWasm(options, []);
    case "tensorflow-gpu": {
      const load = await native("@tensorflow/tfjs-node-gpu", importModule);
      if (load.status !== "loaded") throw unavailable(choice, "@tensorflow/tfjs-node-gpu", load);
      await activate("tensorflow");
      const { gpu, detail } = nativeDetail();
      if (!gpu) {
        throw unavailable(
          choice,
          "@tensorflow/tfjs-node-gpu",
          load,
          ` But TensorFlow sees no GPU (${detail}): check the NVIDIA driver, CUDA and cuDNN.`,
        );
      }
      return { name: getBackend(), detail };
    }
    case "tensorflow": {
      let load = await native("@tensorflow/tfjs-node", importModule);
      if (load.status === "missing") {
        const gpuLoad = await native("@tensorflow/tfjs-node-gpu", importModule);
        if (gpuLoad.status === "loaded") load = gpuLoad;
      }
      if (load.status !== "loaded") throw unavailable(choice, "@tensorflow/tfjs-node", load);
      await activate("tensorflow");
      return { name: getBackend(), detail: nativeDetail().detail };
    }
    case "auto": {
      const skipped: string[] = [];
      for (const specifier of ["@tensorflow/tfjs-node-gpu", "@tensorflow/tfjs-node"] as const) {
        const load = await native(specifier, importModule);
        if (load.status === "loaded") {
          await activate("tensorflow");
          const { detail } = nativeDetail();
          return { name: getBackend(), detail: skipped.length > 0 ? `${detail}; ${skipped.join("; ")}` : detail };
        }
        skipped.push(describe(specifier, load));
      }
      return useWasm(options, skipped);
    }
    default:
      throw new Error(
        `selectBackend: unknown backend ${JSON.stringify(choice as string)}; expected one of ${BACKEND_CHOICES.join(", ")}`,
      );
  }
}

/**
 * Sets the native BLAS's threads (process-wide) when wasm's matmuls run on it, e.g. to cores ÷
 * data-parallel threads so that the threads do not oversubscribe the cores. Returns false (and
 * does nothing) when the native matmuls are not in use.
 *
 * @example
 * ```ts
 * import { selectBackend, setBlasThreads } from "@ual/nn";
 *
 * await selectBackend("wasm");
 * setBlasThreads(1); // two data-parallel workers on two cores: one BLAS thread each
 * ```
 */
export function setBlasThreads(threads: number): boolean {
  const native = nativeMatMulActive() ? nativeMatMulKernels() : undefined;
  if (native === undefined || !("blas" in native)) return false;
  native.blas.setThreads(Math.max(1, Math.floor(threads)));
  return true;
}

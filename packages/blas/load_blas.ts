import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** What the native kernels report about themselves. */
export interface BlasInfo {
  /**
   * One short line on the path the matmuls take, for logs: `own AVX-512 kernels, 2 threads` or
   * `OpenBLAS 0.3.21 (SkylakeX), 2 threads`.
   */
  matmuls: string;
  /** `"system"`: a system BLAS multiplies; `"own"`: the addon's own kernels do. */
  kernels: "system" | "own";
  /** The instruction set of the addon's own kernels on this CPU: `avx512`, `avx2`, `sse2`, `neon` or `portable`. */
  ownKernels: string;
  /** The system library dlopen loaded, e.g. `libopenblas.so.0`; empty when none. */
  library: string;
  /** Why no system library is used (`UAL_BLAS=own`, or the paths that could not be opened); empty when one is. */
  systemMissing: string;
  /** OpenBLAS's build line, e.g. `OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY SkylakeX MAX_THREADS=64`. */
  config: string;
  /** The CPU kernel set OpenBLAS chose at run time, e.g. `SkylakeX`; empty for other libraries. */
  corename: string;
  /** The matmuls' thread count now. */
  threads: number;
}

/** The native kernels, loaded. */
export interface Blas {
  /**
   * Row-major `C[i] = alpha·op(A[i])·op(B[i]) + beta·C[i]` for `i < batch`, in place inside
   * `buffer`. Offsets and strides count float32 elements; a stride of 0 uses one matrix for every
   * entry. The addon checks that every matrix lies inside the buffer (a RangeError-like Error
   * otherwise), so a wrong offset cannot write outside it.
   */
  sgemmBatch(
    buffer: ArrayBuffer,
    transposeA: boolean,
    transposeB: boolean,
    batch: number,
    m: number,
    n: number,
    k: number,
    aOffset: number,
    aStride: number,
    bOffset: number,
    bStride: number,
    cOffset: number,
    cStride: number,
    alpha?: number,
    beta?: number,
  ): void;
  /**
   * The k largest eigenvalues (descending) and unit eigenvectors (vector j at `j·n`) of a
   * symmetric n × n matrix (row- or column-major: the same for a symmetric one): by LAPACK's
   * dsyevr, which computes only those k, where the system library in use has it; else by the
   * addon's own solver (Householder tridiagonalisation, bisection, inverse iteration; `ual_eigen.c`).
   * The two agree to rounding wherever the eigenvalues are separated. The matrix is not modified.
   *
   * @throws {Error} for a matrix that is not a Float64Array of n² finite numbers, or k outside 1..n.
   */
  symmetricTop(matrix: Float64Array, n: number, k: number): { values: Float64Array; vectors: Float64Array };
  /**
   * One AdamW update of `n` float32 values in place inside `buffer` (PyTorch's order: decay,
   * then the step with denominator √(v·invC2) + ε, in float32 as torch computes it): reads
   * param, grad, m, v at their float offsets and writes the three outputs at theirs.
   */
  adamwStep(
    buffer: ArrayBuffer,
    n: number,
    offsets: { param: number; grad: number; m: number; v: number; outParam: number; outM: number; outV: number },
    constants: { beta1: number; beta2: number; stepSize: number; invC2: number; epsilon: number; decay: number },
  ): void;
  /**
   * Fused kernels of a transformer step (`ual_kernels.c`), in place on a float32 heap such as
   * the wasm memory; every offset counts float32 elements (`targets` is int32 at its offset).
   * Forward and backward of GPT-2's tanh GELU (the backward recomputes tanh from x), LayerNorm
   * (keeping x̂ and 1/σ per row for the backward, which also sums dγ and dβ over the rows), and
   * the per-row statistics and gradient of the label-smoothed loss (rows with target −1 are 0),
   * each one pass where tfjs ops take 6 to 12. Reductions in double, results in float32.
   */
  geluForward(buffer: ArrayBuffer, n: number, x: number, y: number): void;
  geluBackward(buffer: ArrayBuffer, n: number, x: number, dy: number, dx: number): void;
  layerNormForward(buffer: ArrayBuffer, rows: number, d: number, x: number, gamma: number, beta: number, y: number, xHat: number, rstd: number, epsilon: number): void;
  layerNormBackward(buffer: ArrayBuffer, rows: number, d: number, dy: number, xHat: number, rstd: number, gamma: number, dx: number, dGamma: number, dBeta: number): void;
  rowStats(buffer: ArrayBuffer, rows: number, width: number, z: number, targets: number, max: number, logSumExp: number, target: number, sum: number): void;
  rowGrad(buffer: ArrayBuffer, rows: number, width: number, z: number, targets: number, logSumExp: number, scale: number, offScale: number, targetScale: number, g: number): void;
  /** Sets the matmuls' (process-wide) thread count: the system library's and the own kernels'. */
  setThreads(threads: number): void;
  /**
   * The matmul paths this machine has, the default first: `"system"` where a system BLAS was
   * loaded, then the own kernels the CPU runs, widest first (`"avx512"`, `"avx2"`, `"sse2"`;
   * `"neon"` on arm64).
   */
  kernelPaths(): string[];
  /**
   * Multiplies on the named path from now on (process-wide; not while a product runs — tests
   * use it to hold every path to the same references). False when this machine has no such path.
   */
  useKernels(path: string): boolean;
  info(): BlasInfo;
}

/** {@linkcode loadBlas}'s answer: the library, or why there is none. */
export type BlasLoad = { status: "loaded"; blas: Blas } | { status: "unavailable"; reason: string };

type FusedKernels = Pick<Blas, "geluForward" | "geluBackward" | "layerNormForward" | "layerNormBackward" | "rowStats" | "rowGrad">;

interface Addon extends FusedKernels {
  sgemmBatch(buffer: ArrayBuffer, ...args: number[]): void;
  setThreads(threads: number): void;
  adamwStep(buffer: ArrayBuffer, ...args: number[]): void;
  symmetricTop(matrix: Float64Array, n: number, k: number): { values: Float64Array; vectors: Float64Array };
  kernelPaths(): string[];
  useKernels(path: string): boolean;
  info(): { loaded: boolean; library: string; error: string; config: string; corename: string; threads: number; kernels: string; ownThreads: number };
}

const ISA_NAMES: Record<string, string> = { avx512: "AVX-512", avx2: "AVX2+FMA", sse2: "SSE2", neon: "NEON", portable: "portable C" };

function describe(raw: ReturnType<Addon["info"]>): BlasInfo {
  const system = raw.loaded;
  const threads = system && raw.threads > 0 ? raw.threads : raw.ownThreads;
  const plural = `${threads} thread${threads === 1 ? "" : "s"}`;
  const name = raw.config.split(" ").slice(0, 2).join(" ") || raw.library;
  const matmuls = system ? `${name}${raw.corename ? ` (${raw.corename})` : ""}, ${plural}` : `own ${ISA_NAMES[raw.kernels] ?? raw.kernels} kernels, ${plural}`;
  return {
    matmuls,
    kernels: system ? "system" : "own",
    ownKernels: raw.kernels,
    library: raw.library,
    systemMissing: system ? "" : raw.error,
    config: raw.config,
    corename: raw.corename,
    threads,
  };
}

let cached: BlasLoad | undefined;

function addonPath(): string {
  // dist/mod.js sits beside dist/ual_blas.node; the sources (tests) one level up.
  const here = dirname(fileURLToPath(import.meta.url));
  const beside = join(here, "ual_blas.node");
  return existsSync(beside) ? beside : join(here, "dist", "ual_blas.node");
}

function load(): BlasLoad {
  if (process.env.UAL_NATIVE_BLAS === "0") return { status: "unavailable", reason: "UAL_NATIVE_BLAS=0" };
  const path = addonPath();
  if (!existsSync(path)) {
    return { status: "unavailable", reason: `the @ual/blas addon is not built (${path} is missing): its install script did not run (npm 12 runs it only when package.json's allowScripts lists "@ual/blas"; then \`npm rebuild @ual/blas\`) or found no C compiler or Node headers (see its output)` };
  }
  let addon: Addon;
  try {
    addon = createRequire(import.meta.url)(path) as Addon;
  } catch (error) {
    return { status: "unavailable", reason: `the @ual/blas addon failed to load: ${(error as Error).message.split("\n")[0]}` };
  }
  const blas: Blas = {
    sgemmBatch: (buffer, ta, tb, batch, m, n, k, aOff, aStride, bOff, bStride, cOff, cStride, alpha = 1, beta = 0) =>
      addon.sgemmBatch(buffer, ta ? 1 : 0, tb ? 1 : 0, batch, m, n, k, aOff, aStride, bOff, bStride, cOff, cStride, alpha, beta),
    symmetricTop: (matrix, n, k) => addon.symmetricTop(matrix, n, k),
    adamwStep: (buffer, n, o, c) =>
      addon.adamwStep(buffer, n, o.param, o.grad, o.m, o.v, o.outParam, o.outM, o.outV, c.beta1, c.beta2, c.stepSize, c.invC2, c.epsilon, c.decay),
    geluForward: (...args) => addon.geluForward(...args),
    geluBackward: (...args) => addon.geluBackward(...args),
    layerNormForward: (...args) => addon.layerNormForward(...args),
    layerNormBackward: (...args) => addon.layerNormBackward(...args),
    rowStats: (...args) => addon.rowStats(...args),
    rowGrad: (...args) => addon.rowGrad(...args),
    setThreads: (threads) => addon.setThreads(threads),
    kernelPaths: () => addon.kernelPaths(),
    useKernels: (path) => addon.useKernels(path),
    info: () => describe(addon.info()),
  };
  return { status: "loaded", blas };
}

/**
 * Loads the native kernels once per thread: the addon built from C where the package is
 * installed. Its matmuls run on a system BLAS when one is found — OpenBLAS at the usual paths,
 * or the library `UAL_BLAS_LIBRARY` names, opened with dlopen — else on the addon's own kernels
 * for the CPU (AVX-512, AVX2+FMA, or the architecture's baseline, chosen at run time);
 * `UAL_BLAS=own` asks for the own kernels anyway. Never throws: when the addon was not built
 * or `UAL_NATIVE_BLAS=0` is set, it says why, and callers keep their portable path.
 *
 * @example
 * ```ts
 * import { loadBlas } from "@ual/blas";
 *
 * const load = loadBlas();
 * if (load.status === "loaded") {
 *   const buffer = new ArrayBuffer(4 * 3 * 4); // A, B, C: 2×2 each
 *   new Float32Array(buffer).set([1, 2, 3, 4, 1, 0, 0, 1]); // A = [[1,2],[3,4]], B = I
 *   load.blas.sgemmBatch(buffer, false, false, 1, 2, 2, 2, 0, 0, 4, 0, 8, 0);
 *   new Float32Array(buffer, 32); // [1, 2, 3, 4]
 * } else console.log(load.reason);
 * ```
 */
export function loadBlas(): BlasLoad {
  cached ??= load();
  return cached;
}

/**
 * `@ual/blas`: single-precision matrix products on an optimised BLAS (OpenBLAS), run in place on
 * memory JavaScript owns — the tfjs WebAssembly heap in particular, which is how `@ual/nn`'s
 * native matmul kernels multiply tensors without copying them.
 *
 * @module
 */
export * from "./load_blas.ts";

/**
 * `@ual/nn`: the tensor math UAL's trainer and loss plugins share — backend selection, the
 * kernels tfjs-wasm lacks, and the per-sample label-smoothed cross-entropy (spec §3).
 *
 * @module
 */
export * from "./backend.ts";
export * from "./register_kernels.ts";
export * from "./smoothed_cross_entropy.ts";

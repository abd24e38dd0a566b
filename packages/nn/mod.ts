/**
 * `@ual/nn`: the tensor math UAL's trainer and loss plugins share — backend selection, the
 * kernels tfjs-wasm lacks or runs slowly, the per-sample label-smoothed cross-entropy (spec §3),
 * the layers of a transformer written the way wasm is fast, AdamW, schedules, clipping and a
 * seeded RNG.
 *
 * @module
 */
export * from "./backend.ts";
export * from "./register_kernels.ts";
export * from "./smoothed_cross_entropy.ts";
export * from "./smoothed_cross_entropy_and_nll.ts";
export * from "./token_loss.ts";
export * from "./loss_from_spec.ts";
export * from "./target_log_probs.ts";
export * from "./mat_mul_plain.ts";
export * from "./mat_mul_uncached.ts";
export { nativeMatMulActive } from "./_native_mode.ts";
export * from "./lean_variable_grads.ts";
export * from "./linear.ts";
export * from "./layer_norm.ts";
export * from "./gelu.ts";
export * from "./causal_attention_bias.ts";
export * from "./scaled_dot_product_attention.ts";
export * from "./adamw.ts";
export * from "./lr_schedule.ts";
export * from "./clip_grad_norm.ts";
export * from "@ual/random";

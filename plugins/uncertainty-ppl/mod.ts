/**
 * `@ual/uncertainty-ppl`: online PPL-ratio uncertainty (spec §4).
 *
 * @module
 */
export * from "./ppl_ratio.ts";
export * from "./plugin.ts";

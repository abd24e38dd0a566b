/**
 * `@ual/eval-clustering`: the paper's feature-clustering analysis (spec §6.5) as an evaluator.
 *
 * @module
 */
export * from "./next_token_features.ts";
export * from "./plugin.ts";

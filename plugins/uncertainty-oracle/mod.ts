/**
 * `@ual/uncertainty-oracle`: the perfect uncertainty estimator — each sample's true answer
 * entropy, as `@ual/source-testbed` records it.
 *
 * @module
 */
export * from "./oracle_score.ts";
export * from "./plugin.ts";

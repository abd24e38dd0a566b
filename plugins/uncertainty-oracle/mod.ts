/**
 * `@ual/uncertainty-oracle`: the perfect uncertainty estimator — each sample's true answer
 * entropy, as `@ual/source-testbed` records it — or that entropy plus seeded noise at a stated
 * rank correlation, standing in for an imperfect LLM rater.
 *
 * @module
 */
export * from "./oracle_score.ts";
export * from "./noisy_score.ts";
export * from "./plugin.ts";

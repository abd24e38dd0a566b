/**
 * `@ual/clustering`: the math of the feature-clustering analysis (spec §6.5) — PCA and the
 * silhouette coefficient as scikit-learn computes them, per-token-pair silhouettes, their averages
 * over all pairs and a seeded random sample (spec §9), and the authors' selection rule, labelled.
 * Pure functions, no dependencies. (The experiment matrix's mean ± 95% CI is `meanCi95` in
 * `@ual/core`.)
 *
 * @module
 */
export * from "./pca.ts";
export * from "./silhouette_score.ts";
export * from "./pair_silhouettes.ts";
export * from "./silhouette_averages.ts";
export * from "./authors_pair_selection.ts";

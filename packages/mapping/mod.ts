/**
 * `@ual/mapping`: the math that turns uncertainty scores into per-sample label-smoothing values ε
 * (spec §2): the exact truncated-linear solver and the reference loop, median imputation of
 * missing scores, and the rank, power, constant and no-smoothing mappings. Pure functions, no
 * dependencies, so the CLI and every mapper plugin share one implementation.
 *
 * @module
 */
export * from "./defaults.ts";
export * from "./invalid_score_error.ts";
export * from "./infeasible_alpha_error.ts";
export * from "./truncated_linear.ts";
export * from "./impute_median.ts";
export * from "./rank_scores.ts";
export * from "./constant_smoothing.ts";
export * from "./no_smoothing.ts";
export * from "./rank_smoothing.ts";
export * from "./power_smoothing.ts";
export * from "./map_scores.ts";
export * from "./option_schemas.ts";

/**
 * `@ual/mapper-truncated-linear`: the UAL mapper plugin for the paper's truncated linear map from
 * uncertainty scores to per-sample label smoothing (spec §2). The math itself is re-exported from
 * `@ual/mapping`, so `truncatedLinear` can be used without a pipeline.
 *
 * @module
 */
export { plugin } from "./plugin.ts";
export { truncatedLinear } from "@ual/mapping";
export type { TruncatedLinearOptions, TruncatedLinearResult, TruncatedLinearSolver } from "@ual/mapping";

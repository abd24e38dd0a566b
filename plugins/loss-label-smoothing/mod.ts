/**
 * `@ual/loss-label-smoothing`: the UAL loss plugin for per-sample label-smoothed cross-entropy
 * (spec §3). The math lives in `@ual/nn` and is re-exported here for use without a pipeline.
 *
 * @module
 */
export { plugin } from "./plugin.ts";
export { smoothedCrossEntropy, smoothedCrossEntropyPerSample } from "@ual/nn";
export type { LossDenominator, SmoothedCrossEntropyOptions, SmoothingConvention, SmoothingValues } from "@ual/nn";

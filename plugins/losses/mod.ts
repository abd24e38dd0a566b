/**
 * `@ual/losses`: the token-level fine-tuning losses the field adopted since UAL, as UAL loss
 * plugins, so that they run in the same pipeline, matrix and evaluators. A manifest picks one
 * with a fragment, e.g. `use: "@ual/losses#eaft"`.
 *
 * - `dft`: cross-entropy × stop-grad(p_y) (arXiv 2508.05629).
 * - `eaft`: cross-entropy × stop-grad((H_20 / ln 20)^alpha) (arXiv 2601.02151).
 * - `asft`: DFT + alpha·KL(base ‖ model) (arXiv 2509.23753).
 *
 * Each averages over the batch's target tokens by default (`aggregation: sample-mean` for UAL's
 * per-sample mean) and uses the ε a mapper gives (label smoothing, spec §3.1); the math is
 * `@ual/nn`'s `tokenLoss`, re-exported here.
 *
 * @module
 */
export { dft } from "./dft.ts";
export { eaft } from "./eaft.ts";
export { asft } from "./asft.ts";
export { lossFromSpec, tokenLoss, tokenLossPerSample } from "@ual/nn";
export type { LossAggregation, TokenLossOptions, TokenWeighting } from "@ual/nn";

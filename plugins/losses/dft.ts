import { definePlugin, z } from "@ual/core";
import { aggregationOption, conventionOption, lossOf } from "./_loss.ts";

const NAME = "@ual/losses/dft";

/**
 * DFT, Dynamic Fine-Tuning (arXiv 2508.05629; TRL `loss_type: dft`, LLaMA-Factory
 * `use_dft_loss`): each target token's cross-entropy times the stop-gradient probability the
 * model gives the target, CE·sg(p_y), averaged over the batch's target tokens. Given ε > 0 by a
 * mapper, the cross-entropy is the label-smoothed one (p_y stays the model's own).
 *
 * @example
 * ```yaml
 * loss:
 *   use: "@ual/losses#dft"
 *   with: { aggregation: token-mean }   # the default
 * ```
 */
export const dft = definePlugin({
  name: NAME,
  version: "0.1.0",
  kind: "loss",
  apiVersion: 1,
  description: "DFT: cross-entropy × stop-grad(p_target), token mean (composes with per-sample ε)",
  options: z.strictObject({ aggregation: aggregationOption, convention: conventionOption }),
  create: ({ aggregation, convention }) => lossOf(NAME, "dft", { convention }, aggregation),
});

import { definePlugin, z } from "@ual/core";
import { aggregationOption, conventionOption, lossOf } from "./_loss.ts";

const NAME = "@ual/losses/asft";

/**
 * ASFT, Anchored Supervised Fine-Tuning (arXiv 2509.23753; LLaMA-Factory `use_asft_loss` with
 * `asft_alpha`): DFT plus alpha·KL(q_base ‖ p) at every target token, q_base the base model's
 * next-token distribution (the trainer computes it without gradient: with LoRA the same weights
 * with the adapters off, with full fine-tuning a frozen copy of the initial weights). Averaged
 * over the batch's target tokens. Given ε > 0 by a mapper, DFT's cross-entropy is the
 * label-smoothed one.
 *
 * @example
 * ```yaml
 * loss:
 *   use: "@ual/losses#asft"
 *   with: { alpha: 0.1 }   # the default
 * ```
 */
export const asft = definePlugin({
  name: NAME,
  version: "0.1.0",
  kind: "loss",
  apiVersion: 1,
  description: "ASFT: DFT + alpha·KL(base ‖ model) per target token, token mean (needs the base model's logits)",
  options: z.strictObject({
    /** The KL anchor's weight (LLaMA-Factory `asft_alpha`, the paper's λ). */
    alpha: z.number().min(0).default(0.1),
    aggregation: aggregationOption,
    convention: conventionOption,
  }),
  create: ({ alpha, aggregation, convention }) => lossOf(NAME, "asft", { alpha, convention }, aggregation),
});

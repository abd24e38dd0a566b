import { definePlugin, z } from "@ual/core";
import { aggregationOption, conventionOption, lossOf } from "./_loss.ts";

const NAME = "@ual/losses/eaft";

/**
 * EAFT, Entropy-Adaptive Fine-Tuning (arXiv 2601.02151; LLaMA-Factory `use_eaft_loss` with
 * `eaft_alpha`, Axolotl `use_eaft`): each target token's cross-entropy times the stop-gradient
 * weight (H_K / s)^alpha, H_K the entropy of the softmax over the K largest logits: confident
 * positions (low entropy) where the data disagree with the model learn little. Averaged over the
 * batch's target tokens. Given ε > 0 by a mapper (`ual+eaft`), the cross-entropy is the
 * label-smoothed one, weighted per token.
 *
 * @example
 * ```yaml
 * loss:
 *   use: "@ual/losses#eaft"
 *   with: { alpha: 1, topK: 20, entropyScale: log-k }   # the defaults
 * ```
 */
export const eaft = definePlugin({
  name: NAME,
  version: "0.1.0",
  kind: "loss",
  apiVersion: 1,
  description: "EAFT: cross-entropy × stop-grad((H_top20 / ln 20)^alpha), token mean (composes with per-sample ε)",
  options: z.strictObject({
    /** The exponent on the normalised entropy (LLaMA-Factory `eaft_alpha`). */
    alpha: z.number().min(0).default(1),
    /** K: the entropy is taken over the softmax of the K largest logits (at most V). */
    topK: z.number().int().min(2).default(20),
    /** H_K is divided by ln K ("log-k"), or by this number (LLaMA-Factory: 3). */
    entropyScale: z.union([z.literal("log-k"), z.number().positive()]).default("log-k"),
    aggregation: aggregationOption,
    convention: conventionOption,
  }),
  create: ({ alpha, topK, entropyScale, aggregation, convention }) => lossOf(NAME, "eaft", { alpha, topK, entropyScale, convention }, aggregation),
});

import { definePlugin, type OfflineEstimator, z } from "@ual/core";
import { noisyScore, pearsonForSpearman } from "./noisy_score.ts";
import { oracleScore } from "./oracle_score.ts";
import { spearman } from "./_spearman.ts";

/** The `with:` block of the `@ual/uncertainty-oracle` stage in a manifest. */
export const uncertaintyOracleOptions = z.strictObject({
  /** `0-99`: 99 · H / maxEntropy (the paper's scale); `nats`: the entropy itself. */
  scale: z.enum(["0-99", "nats"]).default("0-99"),
  /** H_max in nats for the 0–99 scale; default: each sample's `metadata.maxEntropy` (the testbed's largest, ln 12). */
  maxEntropy: z.number().positive().optional(),
  /**
   * An imperfect rater instead of the oracle: the true score plus seeded noise with this Spearman
   * correlation to it (see {@linkcode noisyScore}); `seed` defaults to the run's seed.
   */
  noise: z.strictObject({ spearman: z.number().min(0).max(1), seed: z.int().optional() }).optional(),
}).refine((o) => o.noise === undefined || o.scale === "0-99", { message: "noise works on the 0-99 scale; remove scale: nats", path: ["noise"] });

/** The options of `@ual/uncertainty-oracle`, defaults applied. */
export type UncertaintyOracleOptions = z.output<typeof uncertaintyOracleOptions>;

/**
 * The `@ual/uncertainty-oracle` estimator: each sample's true answer entropy, from its metadata
 * (see {@linkcode oracleScore}). A perfect estimator for the testbed; no model, no network. With
 * `noise: { spearman }`, an imperfect one (see {@linkcode noisyScore}) that logs the rank
 * correlation it realised when the stage ends.
 *
 * @example
 * ```yaml
 * stages:
 *   source:      { use: "@ual/source-testbed", with: { count: 2000 } }
 *   uncertainty: { use: "@ual/uncertainty-oracle" }            # scale 0-99 by default
 *   # or a noisy rater: { use: "@ual/uncertainty-oracle", with: { noise: { spearman: 0.7 } } }
 *   mapper:      { use: "@ual/mapper-truncated-linear", with: { alpha: 0.1 } }
 * ```
 */
export const plugin = definePlugin({
  name: "@ual/uncertainty-oracle",
  version: "0.1.0",
  kind: "uncertainty",
  apiVersion: 1,
  description: "The perfect estimator: each sample's true answer entropy from its metadata (the testbed's), in nats or 0–99; or, with noise, an imperfect rater at a stated rank correlation.",
  options: uncertaintyOracleOptions,
  create(options, ctx): OfflineEstimator {
    const noise = options.noise ? { spearman: options.noise.spearman, seed: options.noise.seed ?? ctx.seed } : undefined;
    // true and noisy scores of the samples rated in this attempt, for the realised ρ at the end
    const truth: number[] = [];
    const rated: number[] = [];
    return {
      mode: "offline",
      // Reading a number costs nothing, so there is no reason to hold samples back.
      concurrency: 64,
      estimate: async (sample) => {
        const result = oracleScore(sample, options);
        if (!noise || result.score === null) return result;
        const score = noisyScore(result.score, sample.id, noise);
        truth.push(result.score);
        rated.push(score);
        return { score, source: `${result.source}+noise(spearman ${noise.spearman})`, ...(result.reason ? { reason: result.reason } : {}) };
      },
      info: () => ({
        scale: options.scale,
        maxEntropy: options.maxEntropy ?? "metadata.maxEntropy",
        ...(noise ? { noise: { spearman: noise.spearman, pearson: pearsonForSpearman(noise.spearman), seed: noise.seed } } : {}),
      }),
      close: async () => {
        if (!noise || truth.length < 2) return;
        const realised = spearman(truth, rated);
        ctx.logger.info(`noisy oracle: realised Spearman ρ = ${realised.toFixed(4)} between the true and the noisy scores of the ${truth.length} samples rated in this attempt (target ${noise.spearman}; ties in the true scores pull it away)`, { spearman: realised, target: noise.spearman, samples: truth.length });
      },
    };
  },
});

import { definePlugin, type OfflineEstimator, z } from "@ual/core";
import { oracleScore } from "./oracle_score.ts";

/** The `with:` block of the `@ual/uncertainty-oracle` stage in a manifest. */
export const uncertaintyOracleOptions = z.strictObject({
  /** `0-99`: 99 · H / maxEntropy (the paper's scale); `nats`: the entropy itself. */
  scale: z.enum(["0-99", "nats"]).default("0-99"),
  /** H_max in nats for the 0–99 scale; default: each sample's `metadata.maxEntropy` (the testbed's largest, ln 12). */
  maxEntropy: z.number().positive().optional(),
});

/** The options of `@ual/uncertainty-oracle`, defaults applied. */
export type UncertaintyOracleOptions = z.output<typeof uncertaintyOracleOptions>;

/**
 * The `@ual/uncertainty-oracle` estimator: each sample's true answer entropy, from its metadata
 * (see {@linkcode oracleScore}). A perfect estimator for the testbed; no model, no network.
 *
 * @example
 * ```yaml
 * stages:
 *   source:      { use: "@ual/source-testbed", with: { count: 2000 } }
 *   uncertainty: { use: "@ual/uncertainty-oracle" }            # scale 0-99 by default
 *   mapper:      { use: "@ual/mapper-truncated-linear", with: { alpha: 0.1 } }
 * ```
 */
export const plugin = definePlugin({
  name: "@ual/uncertainty-oracle",
  version: "0.1.0",
  kind: "uncertainty",
  apiVersion: 1,
  description: "The perfect estimator: each sample's true answer entropy from its metadata (the testbed's), in nats or 0–99.",
  options: uncertaintyOracleOptions,
  create(options): OfflineEstimator {
    return {
      mode: "offline",
      // Reading a number costs nothing, so there is no reason to hold samples back.
      concurrency: 64,
      estimate: async (sample) => oracleScore(sample, options),
      info: () => ({ scale: options.scale, maxEntropy: options.maxEntropy ?? "metadata.maxEntropy" }),
    };
  },
});

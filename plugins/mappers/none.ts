import { type Mapper, type MapResult, definePlugin, z } from "@ual/core";
import { mapScores } from "@ual/mapping";

/**
 * No smoothing: every sample gets ε = 0, i.e. plain fine-tuning on one-hot targets (the SFT
 * baseline). Use it to run the same pipeline with and without UAL.
 *
 * @example
 * ```yaml
 * mapper:
 *   use: "@ual/mappers#none"
 * ```
 */
export const none = definePlugin({
  name: "@ual/mappers/none",
  version: "0.1.0",
  kind: "mapper",
  apiVersion: 1,
  description: "ε = 0 for every sample (plain fine-tuning, the SFT baseline)",
  options: z.strictObject({}),
  create: (): Mapper => ({
    map(scores): MapResult {
      return { values: mapScores("none", scores).values, imputed: 0, clipped: 0, details: { mean: 0 } };
    },
  }),
});

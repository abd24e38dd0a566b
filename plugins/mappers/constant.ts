import { type Mapper, type MapResult, definePlugin, z } from "@ual/core";
import { alphaOption, mapScores } from "@ual/mapping";

/**
 * Ordinary label smoothing: every sample gets ε = α whatever its score (the paper's "LS"
 * baseline). It ignores the scores, so null scores need no imputing.
 *
 * @example
 * ```yaml
 * mapper:
 *   use: "@ual/mappers#constant"
 *   with: { alpha: 0.1 }
 * ```
 */
export const constant = definePlugin({
  name: "@ual/mappers/constant",
  version: "0.1.0",
  kind: "mapper",
  apiVersion: 1,
  description: "ε = α for every sample (label smoothing, the LS baseline)",
  options: z.strictObject({ alpha: alphaOption }),
  create: ({ alpha }): Mapper => ({
    map(scores): MapResult {
      const result = mapScores("constant", scores, { alpha });
      return { values: result.values, imputed: 0, clipped: 0, details: { alpha, mean: result.mean } };
    },
  }),
});

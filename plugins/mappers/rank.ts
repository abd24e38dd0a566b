import { type Mapper, type MapResult, definePlugin, z } from "@ual/core";
import { alphaOption, withAlphaWithinCap, capOption, mapScores } from "@ual/mapping";

/**
 * The truncated linear map on the normalised ranks of the scores rather than on the scores:
 * the least uncertain sample gets ε = 0 and the mean ε is α. Only the order of the scores
 * matters, which suits a rater whose scores bunch up or use a skewed scale. Null scores get the
 * median first (spec §9). `beta` in the details is the slope on ranks in [0, 1].
 *
 * @example
 * ```yaml
 * mapper:
 *   use: "@ual/mappers#rank"
 *   with: { alpha: 0.1 }
 * ```
 */
export const rank = definePlugin({
  name: "@ual/mappers/rank",
  version: "0.1.0",
  kind: "mapper",
  apiVersion: 1,
  description: "ε = min(β·rank, cap) with mean α, on normalised ranks of the scores",
  options: withAlphaWithinCap(z.strictObject({ alpha: alphaOption, cap: capOption })),
  create: ({ alpha, cap }): Mapper => ({
    map(scores): MapResult {
      const result = mapScores("rank", scores, { alpha, cap });
      return {
        values: result.values,
        imputed: result.imputed,
        clipped: result.clipped,
        details: { beta: result.beta ?? 0, alpha, cap, median: result.median, mean: result.mean },
      };
    },
  }),
});

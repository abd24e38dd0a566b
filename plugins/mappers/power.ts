import { type Mapper, type MapResult, definePlugin, z } from "@ual/core";
import { alphaOption, withAlphaWithinCap, capOption, gammaOption, mapScores } from "@ual/mapping";

/**
 * The truncated linear map on u^γ: ε ∝ u^γ up to the cap, mean ε = α. γ > 1 puts more of the
 * smoothing on the most uncertain samples, γ < 1 spreads it; γ = 1 is the paper's map. Null scores
 * get the median first (spec §9). `beta` in the details is the slope on (u / max u)^γ.
 *
 * @example
 * ```yaml
 * mapper:
 *   use: "@ual/mappers#power"
 *   with: { alpha: 0.1, gamma: 2 }
 * ```
 */
export const power = definePlugin({
  name: "@ual/mappers/power",
  version: "0.1.0",
  kind: "mapper",
  apiVersion: 1,
  description: "ε = min(β·u^γ, cap) with mean α (γ = 2 by default)",
  options: withAlphaWithinCap(z.strictObject({ alpha: alphaOption, cap: capOption, gamma: gammaOption })),
  create: ({ alpha, cap, gamma }): Mapper => ({
    map(scores): MapResult {
      const result = mapScores("power", scores, { alpha, cap, gamma });
      return {
        values: result.values,
        imputed: result.imputed,
        clipped: result.clipped,
        details: { beta: result.beta ?? 0, alpha, cap, gamma, median: result.median, mean: result.mean },
      };
    },
  }),
});

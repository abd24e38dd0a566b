import { type Mapper, type MapResult, definePlugin, z } from "@ual/core";
import { alphaOption, withAlphaWithinCap, capOption, mapScores, solverOption } from "@ual/mapping";

/** The manifest's `with:` block for this mapper. */
const options = withAlphaWithinCap(z.strictObject({ alpha: alphaOption, cap: capOption, solver: solverOption }));

/**
 * The paper's mapping from uncertainty to label smoothing (spec §2): ε_i = min(β·u_i, cap), with β
 * chosen so that the mean ε over the dataset is α. Null scores (failed ratings) get the median of
 * the valid ones first (spec §9). The result's details carry β, α, cap, the solver, the imputed
 * median and the realised mean, so a run's report can show what the mapping did.
 *
 * @example
 * ```yaml
 * mapper:
 *   use: "@ual/mapper-truncated-linear"
 *   with: { alpha: 0.3 }            # LIMA's α; cap 0.99 and the exact solver by default
 * ```
 */
export const plugin = definePlugin({
  name: "@ual/mapper-truncated-linear",
  version: "0.1.0",
  kind: "mapper",
  apiVersion: 1,
  description: "ε = min(β·u, cap) with mean ε = α (the paper's truncated linear map; exact or reference solver)",
  options,
  create: ({ alpha, cap, solver }): Mapper => ({
    map(scores): MapResult {
      const result = mapScores("truncated-linear", scores, { alpha, cap, solver });
      return {
        values: result.values,
        imputed: result.imputed,
        clipped: result.clipped,
        details: {
          beta: result.beta ?? 0,
          alpha,
          cap,
          solver,
          median: result.median,
          mean: result.mean,
          ...(result.iterations === undefined ? {} : { iterations: result.iterations }),
        },
      };
    },
  }),
});

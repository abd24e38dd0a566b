import { definePlugin, z, type OnlineEstimator } from "@ual/core";
import { createPplRatio, toPplRatioState } from "./ppl_ratio.ts";

/**
 * PPL-ratio uncertainty as a manifest plugin (spec §4). It runs inside the trainer: no mapper is
 * needed, and its running average is saved in every checkpoint.
 *
 * @example
 * ```yaml
 * uncertainty:
 *   use: "@ual/uncertainty-ppl"
 *   with: { alpha: 0.1, beta: 1 }     # shift: reference reproduces the original off-by-one
 * ```
 */
export const plugin = definePlugin({
  name: "@ual/uncertainty-ppl",
  version: "0.1.0",
  kind: "uncertainty",
  apiVersion: 1,
  description: "online: a sample's NLL over the running average sets its ε during training (PPL-ratio)",
  options: z
    .strictObject({
      alpha: z.number().min(0).max(0.99).default(0.1),
      beta: z.number().default(1),
      cap: z.number().gt(0).max(1).default(0.99),
      /** `next-token`: the NLL of the targets the loss uses. `reference`: the original code's unshifted gather (spec §4.1). */
      shift: z.enum(["next-token", "reference"]).default("next-token"),
    })
    .refine((o) => o.alpha <= o.cap, { error: "alpha must not exceed cap", path: ["alpha"], when: (p) => p.issues.length === 0 }),
  create: ({ alpha, beta, cap, shift }): OnlineEstimator => {
    const ratio = createPplRatio({ alpha, beta, cap });
    return {
      mode: "online",
      shift,
      next: (meanNll) => ratio.next(meanNll),
      state: () => ({ ...ratio.state() }),
      restore: (state) => ratio.restore(toPplRatioState(state)),
    };
  },
});

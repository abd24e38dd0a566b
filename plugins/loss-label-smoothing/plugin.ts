import { definePlugin, type Loss, z } from "@ual/core";
import { smoothedCrossEntropy, smoothedCrossEntropyPerSample } from "@ual/nn";

type Logits = Parameters<typeof smoothedCrossEntropy>[0];
type Labels = Parameters<typeof smoothedCrossEntropy>[1];

/** The manifest's `with:` block for this loss (spec §9 defaults). */
const options = z.strictObject({
  /** "reference": 1−ε on the target and ε/(V−1) elsewhere (spec §3.1); "uniform": PyTorch's. */
  convention: z.enum(["reference", "uniform"]).default("reference"),
  /** "targets": a true per-sample mean; "reference": the (T−1)/T quirk of the reference code (spec §3.2). */
  denominator: z.enum(["targets", "reference"]).default("targets"),
});

const NAME = "@ual/loss-label-smoothing";

/** Runs one loss call, naming the plugin in any error (a bad label, ε out of range, a shape). */
function named<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw new Error(`${NAME}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/**
 * The per-sample label-smoothed cross-entropy (spec §3) as a UAL loss: the trainer hands it
 * float32 [B,T,V] logits, int32 [B,T] labels (−1 = ignored) and one ε per sample, and gets the
 * per-sample losses (a [B] tensor) or their mean over samples (a scalar). The shift (logits at t
 * predict label t+1) happens inside; see `smoothedCrossEntropy` in `@ual/nn`.
 *
 * @example
 * ```yaml
 * loss:
 *   use: "@ual/loss-label-smoothing"
 *   with: { convention: reference, denominator: targets }   # the defaults
 * ```
 */
export const plugin = definePlugin({
  name: NAME,
  version: "0.1.0",
  kind: "loss",
  apiVersion: 1,
  description: "per-sample label-smoothed cross-entropy in closed form (reference ε/(V−1) or PyTorch convention)",
  options,
  create: ({ convention, denominator }): Loss => ({
    // the contract's data form: a trainer in another runtime or thread rebuilds it (@ual/nn lossFromSpec)
    aggregation: "sample-mean",
    needsBaseLogits: false,
    spec: () => ({ kind: "label-smoothing", options: { convention, denominator }, aggregation: "sample-mean", needsBaseLogits: false }),
    perSample: (logits, labels, epsilon) =>
      named(() => smoothedCrossEntropyPerSample(logits as Logits, labels as Labels, epsilon, { convention, denominator })),
    mean: (logits, labels, epsilon) =>
      named(() => smoothedCrossEntropy(logits as Logits, labels as Labels, epsilon, { convention, denominator })),
  }),
});

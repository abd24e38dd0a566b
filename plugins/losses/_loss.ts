import { type Loss, type LossAggregation, type LossSpec, z } from "@ual/core";
import { lossFromSpec } from "@ual/nn";

type Logits = Parameters<ReturnType<typeof lossFromSpec>["perSample"]>[0];
type Labels = Parameters<ReturnType<typeof lossFromSpec>["perSample"]>[1];

/** `aggregation`: how the trainer combines a batch (the peers' own: the mean over its target tokens). */
export const aggregationOption = z.enum(["token-mean", "sample-mean"]).default("token-mean");
/** `convention`: the smoothed target's, when the mapper gives ε > 0 (spec §3.1). */
export const conventionOption = z.enum(["reference", "uniform"]).default("reference");

/**
 * A `Loss` from its spec: the math is `@ual/nn`'s `lossFromSpec`, so that a trainer that rebuilds
 * the loss from `spec()` (in a worker, or in PyTorch) computes the same thing. Errors name the plugin.
 */
export function lossOf(name: string, kind: LossSpec["kind"], options: LossSpec["options"], aggregation: LossAggregation): Loss {
  const spec = lossFromSpec({ kind, options, aggregation });
  const named = <T>(run: () => T): T => {
    try {
      return run();
    } catch (error) {
      throw new Error(`${name}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  };
  return {
    aggregation,
    needsBaseLogits: spec.needsBaseLogits,
    spec: () => ({ kind, options, aggregation, needsBaseLogits: spec.needsBaseLogits }),
    info: () => ({ kind, ...options, aggregation }),
    perSample: (logits, labels, epsilon, inputs) =>
      named(() => spec.perSample(logits as Logits, labels as Labels, epsilon, inputs?.baseLogits as Logits | undefined)),
    mean: (logits, labels, epsilon, inputs) =>
      named(() => spec.mean(logits as Logits, labels as Labels, epsilon, inputs?.baseLogits as Logits | undefined)),
  };
}

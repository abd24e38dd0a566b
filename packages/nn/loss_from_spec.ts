import type { Scalar, Tensor1D, Tensor2D, Tensor3D } from "@tensorflow/tfjs-core";
import {
  type LossDenominator,
  smoothedCrossEntropy,
  smoothedCrossEntropyPerSample,
  type SmoothingConvention,
  type SmoothingValues,
} from "./smoothed_cross_entropy.ts";
import { type LossAggregation, tokenLoss, type TokenLossOptions, tokenLossPerSample } from "./token_loss.ts";

/** The loss kinds {@linkcode lossFromSpec} builds (the formulas of `@ual/loss-label-smoothing` and `@ual/losses`). */
export const LOSS_KINDS = ["label-smoothing", "dft", "eaft", "asft"] as const;

/** A loss as data: the shape of `@ual/core`'s `LossSpec` (options with every default filled in). */
export interface LossSpecLike {
  kind: string;
  options: { readonly [key: string]: unknown };
  aggregation: LossAggregation;
}

/** A loss rebuilt from its spec, on tfjs tensors. */
export interface SpecLoss {
  perSample(logits: Tensor3D, labels: Tensor2D, epsilon: SmoothingValues, baseLogits?: Tensor3D): Tensor1D;
  mean(logits: Tensor3D, labels: Tensor2D, epsilon: SmoothingValues, baseLogits?: Tensor3D): Scalar;
  readonly aggregation: LossAggregation;
  readonly needsBaseLogits: boolean;
}

function option<T>(spec: LossSpecLike, key: string, fallback: T): T {
  const value = spec.options[key];
  return (value === undefined ? fallback : value) as T;
}

/**
 * The {@linkcode tokenLoss} options of a loss kind:
 * - `"dft"`: CE × stop-grad(p_y);
 * - `"eaft"`: CE × stop-grad((H_K / s)^alpha), options `alpha` (1), `topK` (20), `entropyScale` (`"log-k"`);
 * - `"asft"`: DFT + alpha·KL(q_base ‖ p), option `alpha` (0.1, LLaMA-Factory's `asft_alpha`);
 * - `"label-smoothing"` with `denominator: "targets"`: the smoothed CE alone.
 * Every kind takes `convention` (`"reference"`). Returns undefined for the reference denominator
 * (which only {@linkcode smoothedCrossEntropy} has).
 */
function tokenOptions(spec: LossSpecLike): TokenLossOptions | undefined {
  const convention = option<SmoothingConvention>(spec, "convention", "reference");
  switch (spec.kind) {
    case "label-smoothing":
      return option<LossDenominator>(spec, "denominator", "targets") === "targets" ? { convention } : undefined;
    case "dft":
      return { weighting: "dft", convention };
    case "eaft":
      return {
        weighting: "eaft",
        convention,
        alpha: option(spec, "alpha", 1),
        topK: option(spec, "topK", 20),
        entropyScale: option<"log-k" | number>(spec, "entropyScale", "log-k"),
      };
    case "asft":
      return { weighting: "dft", convention, anchor: option(spec, "alpha", 0.1) };
    default:
      throw new Error(`lossFromSpec: unknown loss kind "${spec.kind}"; this version knows ${LOSS_KINDS.join(", ")}`);
  }
}

/**
 * Rebuilds a loss from its spec (`@ual/core`'s `LossSpec`, e.g. from a loss plugin's `spec()`),
 * so that a worker thread, or any code without the plugin, computes exactly what the plugin
 * does. Throws, naming the kind, for a kind it does not know.
 *
 * @example
 * ```ts
 * import * as tf from "@tensorflow/tfjs-core";
 * import { lossFromSpec } from "@ual/nn";
 *
 * const eaft = lossFromSpec({ kind: "eaft", options: { alpha: 1 }, aggregation: "token-mean" });
 * const logits = tf.randomNormal([2, 4, 32]) as tf.Tensor3D;
 * const labels = tf.tensor2d([[1, 2, 3, -1], [4, 5, -1, -1]], [2, 4], "int32");
 * eaft.mean(logits, labels, [0, 0]).print();
 * ```
 */
export function lossFromSpec(spec: LossSpecLike): SpecLoss {
  const aggregation = spec.aggregation;
  if (aggregation !== "token-mean" && aggregation !== "sample-mean") {
    throw new Error(`lossFromSpec: aggregation must be token-mean or sample-mean, got ${String(aggregation)}`);
  }
  const convention = option<SmoothingConvention>(spec, "convention", "reference");
  if (spec.kind === "label-smoothing" && aggregation === "sample-mean") {
    // UAL's own loss: the label-smoothing kernel itself (and its reference-denominator option)
    const ls = { convention, denominator: option<LossDenominator>(spec, "denominator", "targets") };
    return {
      aggregation,
      needsBaseLogits: false,
      perSample: (logits, labels, epsilon) => smoothedCrossEntropyPerSample(logits, labels, epsilon, ls),
      mean: (logits, labels, epsilon) => smoothedCrossEntropy(logits, labels, epsilon, ls),
    };
  }
  const options = tokenOptions(spec);
  if (options === undefined) {
    throw new Error(`lossFromSpec: label-smoothing with denominator "reference" is defined per sample only (aggregation sample-mean), got ${aggregation}`);
  }
  const needsBaseLogits = (options.anchor ?? 0) > 0;
  return {
    aggregation,
    needsBaseLogits,
    perSample: (logits, labels, epsilon, baseLogits) => tokenLossPerSample(logits, labels, epsilon, options, baseLogits),
    mean: (logits, labels, epsilon, baseLogits) => tokenLoss(logits, labels, epsilon, { ...options, aggregation }, baseLogits),
  };
}

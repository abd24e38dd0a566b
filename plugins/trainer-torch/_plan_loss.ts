import type { Loss, LossSpec } from "@ual/core";
import { LOSS_KINDS } from "@ual/nn";
import type { TrainerTorchOptions } from "./options.ts";

/** `plan.loss`: the loss the script computes, as data, and where it came from (for the log). */
export type PlanLoss = LossSpec & { source: string };

/**
 * The loss of a run as the script reads it: a manifest loss stage's `spec()` (the kinds
 * `label-smoothing`, `dft`, `eaft`, `asft`, implemented again in python/_loss.py and held to the
 * same fixtures), or, without a loss stage, UAL's label smoothing with the trainer's
 * `convention` and `denominator`. A loss stage without `spec()` computes in TensorFlow.js only,
 * which the PyTorch processes cannot call: it is refused, as is a kind the script does not know.
 */
export function planLoss(name: string, loss: Loss | undefined, options: Pick<TrainerTorchOptions, "convention" | "denominator">): PlanLoss {
  if (loss === undefined) {
    return {
      kind: "label-smoothing",
      options: { convention: options.convention, denominator: options.denominator },
      aggregation: "sample-mean",
      needsBaseLogits: false,
      source: "the trainer's convention and denominator options",
    };
  }
  const info = loss.info?.();
  const stage = `the manifest's loss stage (stages.loss${info !== undefined ? `: ${JSON.stringify(info)}` : ""})`;
  const spec = loss.spec?.();
  if (spec === undefined) {
    throw new Error(
      `${name}: ${stage} has no spec(), so it computes in TensorFlow.js only, which the PyTorch processes cannot call. ` +
        `Use a loss plugin that describes itself as data (@ual/loss-label-smoothing, @ual/losses#dft, #eaft or #asft), or remove the loss stage and set the trainer's convention and denominator (UAL's per-sample loss, spec §3)`,
    );
  }
  if (!(LOSS_KINDS as readonly string[]).includes(spec.kind)) {
    throw new Error(`${name}: ${stage} is of kind "${spec.kind}", which the PyTorch script does not implement; it implements ${LOSS_KINDS.join(", ")}`);
  }
  if (spec.aggregation !== "token-mean" && spec.aggregation !== "sample-mean") {
    throw new Error(`${name}: ${stage} has aggregation ${JSON.stringify(spec.aggregation)}; expected token-mean or sample-mean`);
  }
  return { ...spec, source: "the manifest's loss stage (the trainer's convention and denominator options are not used)" };
}

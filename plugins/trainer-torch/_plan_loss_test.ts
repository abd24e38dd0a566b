import type { Loss } from "@ual/core";
import { describe, expect, it } from "vitest";
import { planLoss } from "./_plan_loss.ts";

const NAME = "@ual/trainer-torch";
const TRAINER = { convention: "uniform", denominator: "reference" } as const;
const unused = () => {
  throw new Error("not called");
};

describe("planLoss()", () => {
  it("without a loss stage is UAL's label smoothing with the trainer's convention and denominator, per sample", () => {
    expect(planLoss(NAME, undefined, TRAINER)).toEqual({
      kind: "label-smoothing",
      options: { convention: "uniform", denominator: "reference" },
      aggregation: "sample-mean",
      needsBaseLogits: false,
      source: "the trainer's convention and denominator options",
    });
  });

  it("takes a loss stage's spec() as it is", () => {
    const spec = { kind: "asft", options: { alpha: 0.1, convention: "reference" }, aggregation: "token-mean", needsBaseLogits: true } as const;
    const loss: Loss = { perSample: unused, mean: unused, spec: () => spec };
    expect(planLoss(NAME, loss, TRAINER)).toEqual({ ...spec, source: expect.stringContaining("the manifest's loss stage") });
  });

  it("refuses a loss stage without spec(), naming the trainer, the stage and what to use instead", () => {
    const loss: Loss = { perSample: unused, mean: unused, info: () => ({ kind: "focal", gamma: 2 }) };
    expect(() => planLoss(NAME, loss, TRAINER)).toThrow(
      `@ual/trainer-torch: the manifest's loss stage (stages.loss: {"kind":"focal","gamma":2}) has no spec(), so it computes in TensorFlow.js only, which the PyTorch processes cannot call. Use a loss plugin that describes itself as data (@ual/loss-label-smoothing, @ual/losses#dft, #eaft or #asft)`,
    );
  });

  it("refuses a kind the script does not implement, and an unknown aggregation", () => {
    const of = (kind: string, aggregation: string): Loss => ({ perSample: unused, mean: unused, spec: () => ({ kind, options: {}, aggregation: aggregation as "token-mean", needsBaseLogits: false }) });
    expect(() => planLoss(NAME, of("focal", "token-mean"), TRAINER)).toThrow(`is of kind "focal", which the PyTorch script does not implement; it implements label-smoothing, dft, eaft, asft`);
    expect(() => planLoss(NAME, of("dft", "batch-mean"), TRAINER)).toThrow(`has aggregation "batch-mean"; expected token-mean or sample-mean`);
  });
});

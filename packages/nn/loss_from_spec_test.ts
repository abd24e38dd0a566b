import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { useBackend } from "./_test_backends.ts";
import { lossFromSpec } from "./loss_from_spec.ts";
import { smoothedCrossEntropy, smoothedCrossEntropyPerSample } from "./smoothed_cross_entropy.ts";
import { tokenLoss, tokenLossPerSample } from "./token_loss.ts";

describe("lossFromSpec", () => {
  beforeAll(async () => {
    await useBackend("wasm");
  });

  const inputs = () => ({
    logits: tf.randomNormal([3, 5, 30], 0, 2, "float32", 11) as tf.Tensor3D,
    base: tf.randomNormal([3, 5, 30], 0, 2, "float32", 12) as tf.Tensor3D,
    labels: tf.tensor2d([[1, 2, 3, 4, 5], [-1, -1, 6, 7, -1], [0, 29, -1, 2, 2]], [3, 5], "int32"),
  });
  const eps = [0.1, 0.4, 0];

  it.each([
    [{ kind: "dft", options: {}, aggregation: "token-mean" }, { weighting: "dft" }, false],
    [{ kind: "eaft", options: { alpha: 0.5, topK: 10, entropyScale: 3 }, aggregation: "token-mean" }, { weighting: "eaft", alpha: 0.5, topK: 10, entropyScale: 3 }, false],
    [{ kind: "asft", options: { alpha: 0.2, convention: "uniform" }, aggregation: "sample-mean" }, { weighting: "dft", anchor: 0.2, convention: "uniform" }, true],
    [{ kind: "label-smoothing", options: { denominator: "targets" }, aggregation: "token-mean" }, {}, false],
  ] as const)("lossFromSpec(%j) is tokenLoss with %j", (spec, options, needsBase) => {
    const loss = lossFromSpec(spec);
    expect(loss.needsBaseLogits).toBe(needsBase);
    expect(loss.aggregation).toBe(spec.aggregation);
    tf.tidy(() => {
      const { logits, base, labels } = inputs();
      expect(Array.from(loss.perSample(logits, labels, eps, base).dataSync())).toEqual(Array.from(tokenLossPerSample(logits, labels, eps, options, base).dataSync()));
      expect(loss.mean(logits, labels, eps, base).dataSync()[0]).toBe(tokenLoss(logits, labels, eps, { ...options, aggregation: spec.aggregation }, base).dataSync()[0]);
    });
  });

  it("lossFromSpec() builds UAL's label smoothing from its own kernel, reference denominator included", () => {
    const spec = { kind: "label-smoothing", options: { convention: "uniform", denominator: "reference" }, aggregation: "sample-mean" } as const;
    const loss = lossFromSpec(spec);
    tf.tidy(() => {
      const { logits, labels } = inputs();
      const opts = { convention: "uniform", denominator: "reference" } as const;
      expect(Array.from(loss.perSample(logits, labels, eps).dataSync())).toEqual(Array.from(smoothedCrossEntropyPerSample(logits, labels, eps, opts).dataSync()));
      expect(loss.mean(logits, labels, eps).dataSync()[0]).toBe(smoothedCrossEntropy(logits, labels, eps, opts).dataSync()[0]);
    });
    expect(() => lossFromSpec({ ...spec, aggregation: "token-mean" })).toThrow(/defined per sample only/);
  });

  it("lossFromSpec() names an unknown kind and aggregation", () => {
    expect(() => lossFromSpec({ kind: "focal", options: {}, aggregation: "token-mean" })).toThrow(/unknown loss kind "focal"; this version knows label-smoothing, dft, eaft, asft/);
    expect(() => lossFromSpec({ kind: "dft", options: {}, aggregation: "batch" as never })).toThrow(/aggregation must be token-mean or sample-mean, got batch/);
  });
});

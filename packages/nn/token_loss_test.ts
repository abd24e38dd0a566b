import { readFileSync } from "node:fs";
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { expectClose } from "./_expect_close.ts";
import { testBackends, useBackend } from "./_test_backends.ts";
import { smoothedCrossEntropy, smoothedCrossEntropyPerSample } from "./smoothed_cross_entropy.ts";
import { tokenLoss, type TokenLossOptions, tokenLossPerSample } from "./token_loss.ts";

interface Variant {
  options: TokenLossOptions;
  epsilon: number[];
  perSample: number[];
  tokenMean: number;
  sampleMean: number;
  gradTokenMean: number[];
  gradSampleMean: number[];
  gradWeighted: number[];
}

interface Case {
  name: string;
  shape: [number, number, number];
  logits: number[];
  baseLogits: number[];
  labels: number[][];
  weights: number[];
  variants: Variant[];
}

const fixtures = JSON.parse(readFileSync(new URL("./fixtures/token_loss_reference.json", import.meta.url), "utf8")) as { cases: Case[] };
const backends = await testBackends();
// the bar: 1e-5 against the float64 reference, on every backend
const TOL = { rtol: 1e-5, atol: 1e-6 } as const;

function int2d(rows: number[][]): tf.Tensor2D {
  return tf.tensor2d(rows, [rows.length, rows[0]?.length ?? 0], "int32");
}

function label(v: Variant): string {
  return `${JSON.stringify(v.options)} ε=${JSON.stringify(v.epsilon)}`;
}

/** The largest |actual − expected| of each quantity, by backend (printed once, for the report). */
const worst = new Map<string, number>();
function track(backend: string, actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  let m = worst.get(backend) ?? 0;
  for (let i = 0; i < expected.length; i++) m = Math.max(m, Math.abs((actual[i] as number) - (expected[i] as number)));
  worst.set(backend, m);
}

describe.each(backends)("tokenLoss on $name", ({ name, available }) => {
  beforeAll(async () => {
    if (available) await useBackend(name);
  });

  for (const c of fixtures.cases) {
    it.skipIf(!available).each(c.variants.map((v) => [label(v), v] as const))(`tokenLoss() matches PyTorch float64 (${c.name}): %s`, (_, v) => {
      tf.tidy(() => {
        const logits = tf.tensor3d(c.logits, c.shape);
        const base = tf.tensor3d(c.baseLogits, c.shape);
        const labels = int2d(c.labels);
        const perSample = tokenLossPerSample(logits, labels, v.epsilon, v.options, base);
        expectClose(perSample.dataSync(), v.perSample, TOL);
        track(name, perSample.dataSync(), v.perSample);
        for (const [aggregation, value, grad] of [
          ["token-mean", v.tokenMean, v.gradTokenMean],
          ["sample-mean", v.sampleMean, v.gradSampleMean],
        ] as const) {
          const opts = { ...v.options, aggregation };
          const mean = tokenLoss(logits, labels, v.epsilon, opts, base);
          expectClose(mean.dataSync(), [value], TOL);
          track(name, mean.dataSync(), [value]);
          const g = tf.grad((x) => tokenLoss(x as tf.Tensor3D, labels, v.epsilon, opts, base))(logits);
          expectClose(g.dataSync(), grad, { ...TOL, scale: "max" });
          track(name, g.dataSync(), grad);
        }
        const weights = tf.tensor1d(c.weights);
        const gw = tf.grad((x) => tf.sum(tf.mul(tokenLossPerSample(x as tf.Tensor3D, labels, v.epsilon, v.options, base), weights)))(logits);
        expectClose(gw.dataSync(), v.gradWeighted, { ...TOL, scale: "max" });
        track(name, gw.dataSync(), v.gradWeighted);
      });
    });
  }

  it.skipIf(!available)("tokenLoss() with no weighting and no anchor equals smoothedCrossEntropy under sample-mean", () => {
    tf.tidy(() => {
      const logits = tf.randomNormal([3, 5, 17], 0, 2, "float32", 7) as tf.Tensor3D;
      const labels = int2d([[1, 2, 3, 4, 5], [-1, -1, 6, 7, -1], [0, 16, -1, 2, 2]]);
      const eps = [0.1, 0.4, 0];
      expectClose(tokenLossPerSample(logits, labels, eps).dataSync(), smoothedCrossEntropyPerSample(logits, labels, eps).dataSync());
      expectClose(tokenLoss(logits, labels, eps, { aggregation: "sample-mean" }).dataSync(), smoothedCrossEntropy(logits, labels, eps).dataSync());
    });
  });

  it.skipIf(!available)("tokenLoss() keeps the tensor count flat across repeated gradient passes", () => {
    const logits = tf.randomNormal([2, 6, 30], 0, 2, "float32", 3) as tf.Tensor3D;
    const base = tf.randomNormal([2, 6, 30], 0, 2, "float32", 4) as tf.Tensor3D;
    const labels = int2d([[1, 2, 3, 4, 5, -1], [-1, 6, 7, 8, 9, 10]]);
    const step = () => tf.tidy(() => tf.grad((x) => tokenLoss(x as tf.Tensor3D, labels, [0.1, 0], { weighting: "eaft", anchor: 0.1 }, base))(logits)).dispose();
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) step();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([logits, base, labels]);
  });
});

describe("tokenLoss() errors", () => {
  beforeAll(async () => {
    await useBackend("cpu");
  });

  it("tokenLoss() asks for the base logits when anchored", () => {
    const logits = tf.zeros([1, 3, 4]) as tf.Tensor3D;
    const labels = int2d([[0, 1, 2]]);
    expect(() => tokenLoss(logits, labels, 0, { weighting: "dft", anchor: 0.1 })).toThrow(/anchor 0.1 needs the base model's logits/);
    expect(() => tokenLoss(logits, labels, 0, { anchor: 0.1 }, tf.zeros([1, 2, 4]) as tf.Tensor3D)).toThrow(/baseLogits must have the logits' shape \[1,3,4\]/);
    expect(() => tokenLoss(logits, labels, 0, { weighting: "dtf" as never })).toThrow(/weighting must be one of none, dft, eaft/);
    expect(() => tokenLoss(logits, int2d([[0, 9, 1]]), 0)).toThrow(/labels\[0\]\[1\] = 9 is outside \[-1, 3\]/);
    expect(() => tokenLoss(logits, labels, [2])).toThrow(/epsilon\[0\] = 2 is outside \[0, 1\]/);
  });

  it("tokenLoss() reports its worst error against the reference per backend", () => {
    // not an assertion of its own: the fixture tests above assert; this leaves the figures in the log
    for (const [backend, err] of worst) console.log(`tokenLoss fixtures, ${backend}: max |error| ${err.toExponential(2)}`);
    expect(worst.size).toBeGreaterThan(0);
  });
});

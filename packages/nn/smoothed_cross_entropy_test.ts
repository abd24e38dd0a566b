import { readFileSync } from "node:fs";
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { testBackends, useBackend } from "./_test_backends.ts";
import { expectClose as expectCloseTo } from "./_expect_close.ts";
import {
  type LossDenominator,
  smoothedCrossEntropy,
  smoothedCrossEntropyPerSample,
  type SmoothingConvention,
} from "./smoothed_cross_entropy.ts";

interface FixtureVariant {
  convention: SmoothingConvention;
  denominator: LossDenominator;
  perSample: number[];
  mean: number;
  gradMean: number[];
  gradWeighted?: number[];
}

interface FixtureCase {
  name: string;
  shape: [number, number, number];
  logits: number[];
  labels: number[][];
  epsilon: number[];
  weights: number[];
  variants: FixtureVariant[];
}

const fixtures = JSON.parse(readFileSync(new URL("./fixtures/loss_reference.json", import.meta.url), "utf8")) as {
  cases: FixtureCase[];
};

const backends = await testBackends();

// This file's tests were written against a tighter absolute tolerance than the shared default.
const expectClose: typeof expectCloseTo = (actual, expected, options = {}) => expectCloseTo(actual, expected, { atol: 1e-7, ...options });

/** tf.grad for a function of [B,T,V] logits. */
function grad3(f: (x: tf.Tensor3D) => tf.Tensor): (x: tf.Tensor3D) => tf.Tensor3D {
  return (x) => tf.grad((t) => f(t as tf.Tensor3D))(x) as tf.Tensor3D;
}

function int2d(rows: number[][]): tf.Tensor2D {
  return tf.tensor2d(rows, [rows.length, rows[0]?.length ?? 0], "int32");
}

/** The loss written the obvious way: a dense [B,T-1,V] target and tfjs autodiff. */
function denseLoss(
  logits: tf.Tensor3D,
  labels: number[][],
  epsilon: number[],
  convention: SmoothingConvention,
  denominator: LossDenominator,
): tf.Tensor1D {
  const [batch, time, vocab] = logits.shape;
  const logp = tf.logSoftmax(tf.slice(logits, [0, 0, 0], [batch, time - 1, vocab]));
  const shifted = labels.map((row) => row.slice(1));
  const safe = int2d(shifted.map((row) => row.map((y) => Math.max(y, 0))));
  const mask = tf.tensor2d(shifted.map((row) => row.map((y) => (y === -1 ? 0 : 1))));
  const onehot = tf.cast(tf.oneHot(safe, vocab), "float32");
  const e = tf.tensor3d(epsilon, [batch, 1, 1]);
  const q = convention === "reference"
    ? tf.add(tf.mul(onehot, tf.sub(1, e)), tf.mul(tf.sub(1, onehot), tf.div(e, vocab - 1)))
    : tf.add(tf.mul(onehot, tf.sub(1, e)), tf.div(e, vocab));
  const token = tf.neg(tf.sum(tf.mul(q, logp), -1));
  const num = tf.sum(tf.mul(token, mask), 1);
  const scale = labels.map((row, b) => {
    const targets = (shifted[b] as number[]).filter((y) => y !== -1).length;
    const den = denominator === "targets" ? targets : row.filter((y) => y !== -1).length;
    return targets === 0 ? 0 : 1 / den;
  });
  return tf.mul(num, tf.tensor1d(scale)) as tf.Tensor1D;
}

function denseMean(perSample: tf.Tensor1D, labels: number[][]): tf.Scalar {
  const valid = labels.map((row) => (row.slice(1).some((y) => y !== -1) ? 1 : 0));
  const count = valid.reduce<number>((s, v) => s + v, 0);
  return tf.div(tf.sum(tf.mul(perSample, tf.tensor1d(valid))), Math.max(count, 1));
}

function randomLabels(batch: number, time: number, vocab: number, ignore: number, seed: number): number[][] {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
  return Array.from({ length: batch }, () =>
    Array.from({ length: time }, () => (next() < ignore ? -1 : Math.floor(next() * vocab))));
}

for (const { name: backendName, available } of backends) {
  describe.skipIf(!available)(`on ${backendName}`, () => {
    beforeAll(async () => {
      await useBackend(backendName);
    });

    it.each(fixtures.cases)("smoothedCrossEntropy() matches the PyTorch fixture: $name", (c) => {
      for (const v of c.variants) {
        const options = { convention: v.convention, denominator: v.denominator };
        tf.tidy(() => {
          const logits = tf.tensor3d(c.logits, c.shape);
          const labels = int2d(c.labels);
          const perSample = smoothedCrossEntropyPerSample(logits, labels, c.epsilon, options);
          expectClose(perSample.dataSync(), v.perSample, { rtol: 1e-5, atol: 1e-6 });
          const mean = smoothedCrossEntropy(logits, labels, c.epsilon, options);
          expectClose(mean.dataSync(), [v.mean], { rtol: 1e-5, atol: 1e-6 });
          const gradMean = grad3((x) => smoothedCrossEntropy(x, labels, c.epsilon, options))(logits);
          expectClose(gradMean.dataSync(), v.gradMean, { rtol: 1e-5, atol: 1e-9, scale: "max" });
          if (v.gradWeighted !== undefined) {
            const weights = tf.tensor1d(c.weights);
            const gradWeighted = grad3((x) =>
              tf.sum(tf.mul(smoothedCrossEntropyPerSample(x, labels, c.epsilon, options), weights))
            )(logits);
            expectClose(gradWeighted.dataSync(), v.gradWeighted, { rtol: 1e-5, atol: 1e-9, scale: "max" });
          }
        });
      }
    });

    it("smoothedCrossEntropy() gives the spec §3.1 test vector", () => {
      tf.tidy(() => {
        // z = [1,2,3,4] at position 0 predicts label 2 at position 1
        const logits = tf.tensor3d([1, 2, 3, 4, 0, 0, 0, 0], [1, 2, 4]);
        const labels = int2d([[-1, 2]]);
        const loss = (x: tf.Tensor3D, convention: SmoothingConvention, eps: number) =>
          smoothedCrossEntropy(x, labels, eps, { convention });
        expectClose(loss(logits, "reference", 0.3).dataSync(), [1.6401897], { rtol: 1e-6 });
        expectClose(loss(logits, "uniform", 0.3).dataSync(), [1.5901897], { rtol: 1e-6 });
        expectClose(loss(logits, "reference", 0).dataSync(), [1.4401897], { rtol: 1e-6 });
        const grad = grad3((x) => loss(x, "reference", 0.3))(logits).dataSync();
        expectClose(grad, [-0.0679414, -0.0128557, -0.4631172, 0.5439143, 0, 0, 0, 0], { rtol: 0, atol: 1e-6 });
      });
    });

    it("smoothedCrossEntropy() equals plain CE at ε = 0", () => {
      tf.tidy(() => {
        const [batch, time, vocab] = [3, 7, 33];
        const logits = tf.mul(tf.randomNormal([batch, time, vocab], 0, 1, "float32", 7), 3) as tf.Tensor3D;
        const rows = randomLabels(batch, time, vocab, 0.2, 11);
        const labels = int2d(rows);
        // plain CE: −log softmax(z_t)[y_{t+1}], averaged per sample, then over samples
        const logp = tf.logSoftmax(logits).arraySync();
        const perSample: number[] = [];
        for (let b = 0; b < batch; b++) {
          let total = 0;
          let count = 0;
          for (let t = 0; t + 1 < time; t++) {
            const y = (rows[b] as number[])[t + 1] as number;
            if (y === -1) continue;
            total -= logp[b]?.[t]?.[y] as number;
            count++;
          }
          perSample.push(count === 0 ? 0 : total / count);
        }
        for (const convention of ["reference", "uniform"] as const) {
          expectClose(smoothedCrossEntropyPerSample(logits, labels, 0, { convention }).dataSync(), perSample);
        }
      });
    });

    it.each([
      ["reference", "targets"],
      ["reference", "reference"],
      ["uniform", "targets"],
      ["uniform", "reference"],
    ] as const)("smoothedCrossEntropy() gradient equals autodiff of a dense %s/%s implementation", (convention, denominator) => {
      tf.tidy(() => {
        const [batch, time, vocab] = [4, 6, 19];
        const logits = tf.mul(tf.randomNormal([batch, time, vocab], 0, 1, "float32", 3), 2) as tf.Tensor3D;
        const rows = randomLabels(batch, time, vocab, 0.3, 5);
        rows[2] = [4, -1, -1, -1, -1, -1]; // a sample without targets
        const labels = int2d(rows);
        const eps = [0.1, 0.6, 0.2, 0.95];
        const options = { convention, denominator };
        const ours = grad3((x) => smoothedCrossEntropy(x, labels, eps, options))(logits);
        const dense = grad3((x) => denseMean(denseLoss(x, rows, eps, convention, denominator), rows))(logits);
        expectClose(ours.dataSync(), dense.dataSync(), { rtol: 1e-5, atol: 1e-9, scale: "max" });
        const oursLoss = smoothedCrossEntropyPerSample(logits, labels, eps, options);
        expectClose(oursLoss.dataSync(), denseLoss(logits, rows, eps, convention, denominator).dataSync(), {
          rtol: 1e-5,
          atol: 1e-6,
        });
      });
    });

    it("smoothedCrossEntropy() gradient agrees with central finite differences", () => {
      // float32 forward passes: h = 1e-2 balances rounding (~ε32·|L|/h) against truncation (~h²),
      // and Richardson extrapolation over h and h/2 removes the h² term.
      const [batch, time, vocab] = [2, 3, 5];
      const base = Array.from({ length: batch * time * vocab }, (_, i) => Math.sin(1.7 * i) * 1.5);
      const labels = int2d([[0, 3, 1], [-1, 4, 2]]);
      const eps = [0.25, 0.1];
      const lossAt = (values: number[]) =>
        tf.tidy(() => smoothedCrossEntropy(tf.tensor3d(values, [batch, time, vocab]), labels, eps).dataSync()[0] as number);
      const analytic = tf.tidy(() =>
        grad3((x) => smoothedCrossEntropy(x, labels, eps))(tf.tensor3d(base, [batch, time, vocab])).dataSync()
      );
      const central = (i: number, h: number) => {
        const plus = base.slice();
        const minus = base.slice();
        plus[i] = (plus[i] as number) + h;
        minus[i] = (minus[i] as number) - h;
        return (lossAt(plus) - lossAt(minus)) / (2 * h);
      };
      const numeric = base.map((_, i) => (4 * central(i, 5e-3) - central(i, 1e-2)) / 3);
      expectClose(analytic, numeric, { rtol: 0, atol: 2e-4 });
      labels.dispose();
    });

    it("smoothedCrossEntropy() takes ε as a tensor, an array or one number alike", () => {
      tf.tidy(() => {
        const logits = tf.randomNormal([3, 4, 9], 0, 1, "float32", 1) as tf.Tensor3D;
        const labels = int2d(randomLabels(3, 4, 9, 0, 2));
        const fromNumber = smoothedCrossEntropyPerSample(logits, labels, 0.2).dataSync();
        expectClose(smoothedCrossEntropyPerSample(logits, labels, [0.2, 0.2, 0.2]).dataSync(), fromNumber, { rtol: 0 });
        expectClose(smoothedCrossEntropyPerSample(logits, labels, tf.tensor1d([0.2, 0.2, 0.2])).dataSync(), fromNumber, {
          rtol: 0,
        });
      });
    });

    it("smoothedCrossEntropy() leaves samples without targets out of the mean", () => {
      tf.tidy(() => {
        const logits = tf.randomNormal([3, 4, 6], 0, 1, "float32", 4) as tf.Tensor3D;
        const labels = int2d([[1, 2, 3, 4], [5, -1, -1, -1], [0, 1, -1, 2]]);
        const perSample = smoothedCrossEntropyPerSample(logits, labels, 0.1).dataSync();
        expect(perSample[1]).toBe(0);
        const mean = smoothedCrossEntropy(logits, labels, 0.1).dataSync()[0] as number;
        expect(mean).toBeCloseTo(((perSample[0] as number) + (perSample[2] as number)) / 2, 6);
        const none = int2d([[1, -1, -1, -1], [-1, -1, -1, -1], [-1, -1, -1, -1]]);
        expect(smoothedCrossEntropy(logits, none, 0.1).dataSync()[0]).toBe(0);
        const grad = grad3((x) => smoothedCrossEntropy(x, none, 0.1))(logits);
        expect(tf.max(tf.abs(grad)).dataSync()[0]).toBe(0);
      });
    });

    it("smoothedCrossEntropy() keeps tf.memory().numTensors flat across loss and gradient", () => {
      const logits = tf.variable(tf.randomNormal([2, 5, 11], 0, 1, "float32", 9)) as tf.Variable<tf.Rank.R3>;
      const labels = int2d(randomLabels(2, 5, 11, 0.2, 3));
      const step = () => {
        const { value, grads } = tf.variableGrads(() => smoothedCrossEntropy(logits, labels, [0.1, 0.3]), [logits]);
        value.dispose();
        tf.dispose(grads);
      };
      step(); // warm-up: a backend may cache tensors on first use
      const before = tf.memory().numTensors;
      for (let i = 0; i < 3; i++) step();
      tf.tidy(() => {
        smoothedCrossEntropyPerSample(logits, labels, tf.tensor1d([0.1, 0.2]), { convention: "uniform" });
        grad3((x) => smoothedCrossEntropy(x, labels, 0.2, { denominator: "reference" }))(logits);
      });
      expect(tf.memory().numTensors).toBe(before);
      logits.dispose();
      labels.dispose();
    });

    it("smoothedCrossEntropy() builds no one-hot and no dense target", async () => {
      const [batch, time, vocab] = [4, 16, 512];
      const logits = tf.randomNormal([batch, time, vocab], 0, 1, "float32", 5) as tf.Tensor3D;
      const rows = randomLabels(batch, time, vocab, 0.1, 8);
      const labels = int2d(rows);
      // tfjs' byte counter counts every reshape and clone as new bytes, so count instead the
      // kernels that allocate a new buffer of (nearly) the logits' size
      const bigOutputs = async (loss: (x: tf.Tensor3D) => tf.Scalar) => {
        const info = await tf.profile(() => {
          grad3(loss)(logits).dispose();
        });
        const allocating = info.kernels.filter((k) => k.name !== "Reshape" && k.name !== "Identity");
        const big = allocating.filter((k) => k.outputShapes.some((s) => s.reduce((a, b) => a * b, 1) >= batch * (time - 1) * vocab));
        return { names: info.kernels.map((k) => k.name), big: big.map((k) => k.name) };
      };
      const ours = await bigOutputs((x) => smoothedCrossEntropy(x, labels, 0.1));
      const dense = await bigOutputs((x) => denseMean(denseLoss(x, rows, [0.1, 0.1, 0.1, 0.1], "reference", "targets"), rows));
      expect(ours.names).not.toContain("OneHot");
      expect(dense.names).toContain("OneHot");
      // forward: max-shifted logits and their softmax; backward: softmax, its scaling and the
      // scatter of the target column (wasm, TensorFlow), or one fused kernel (cpu) — the
      // gradient itself is one of them
      expect(ours.big.length).toBeLessThanOrEqual(6);
      expect(ours.big.length).toBeLessThan(dense.big.length / 2);
      logits.dispose();
      labels.dispose();
    });
  });
}

describe("smoothedCrossEntropy() input checks", () => {
  let logits: tf.Tensor3D;
  let labels: tf.Tensor2D;
  beforeAll(async () => {
    await useBackend("cpu");
    logits = tf.zeros([2, 3, 4]);
    labels = int2d([[0, 1, 2], [3, -1, -1]]);
  });

  it("smoothedCrossEntropy() rejects a label outside [-1, V-1], naming where it is", () => {
    expect(() => smoothedCrossEntropy(logits, int2d([[0, 1, 2], [3, 4, -1]]), 0.1)).toThrow(/labels\[1\]\[1\] = 4/);
    expect(() => smoothedCrossEntropy(logits, int2d([[0, -2, 2], [3, 1, -1]]), 0.1)).toThrow(/labels\[0\]\[1\] = -2/);
  });

  it("smoothedCrossEntropy() rejects ε outside [0, 1] or of the wrong length", () => {
    expect(() => smoothedCrossEntropy(logits, labels, [0.1, 1.5])).toThrow(/epsilon\[1\] = 1.5/);
    expect(() => smoothedCrossEntropy(logits, labels, -0.1)).toThrow(/outside \[0, 1\]/);
    expect(() => smoothedCrossEntropy(logits, labels, [0.1])).toThrow(/1 values but the batch has 2/);
    expect(() => smoothedCrossEntropy(logits, labels, Number.NaN)).toThrow(/outside/);
  });

  it("smoothedCrossEntropy() rejects mismatched shapes and dtypes", () => {
    expect(() => smoothedCrossEntropy(logits, int2d([[0, 1], [2, 3]]), 0.1)).toThrow(/labels must be an int32 \[B,T\]/);
    expect(() => smoothedCrossEntropy(logits, tf.zeros([2, 3]) as tf.Tensor2D, 0.1)).toThrow(/int32/);
    expect(() => smoothedCrossEntropy(tf.zeros([2, 3, 1]) as tf.Tensor3D, int2d([[0, 0, 0], [0, 0, 0]]), 0.1)).toThrow(
      /must be ≥ 2/,
    );
  });

  it("smoothedCrossEntropy() rejects what is not a tensor", () => {
    expect(() => smoothedCrossEntropy([[[0, 1]]] as unknown as tf.Tensor3D, labels, 0.1)).toThrow(/must be tfjs tensors/);
    expect(() => smoothedCrossEntropy(logits, labels, "0.1" as unknown as number)).toThrow(/epsilon must be a number/);
  });

  it("smoothedCrossEntropy() rejects unknown options", () => {
    const bad = { convention: "pytorch" } as unknown as { convention: SmoothingConvention };
    expect(() => smoothedCrossEntropy(logits, labels, 0.1, bad)).toThrow(/convention must be one of reference, uniform/);
  });
});

import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { expectClose } from "./_expect_close.ts";
import { testBackends, useBackend } from "./_test_backends.ts";
import { smoothedCrossEntropy, smoothedCrossEntropyPerSample } from "./smoothed_cross_entropy.ts";
import { smoothedCrossEntropyAndNll } from "./smoothed_cross_entropy_and_nll.ts";

const labelsRows = [
  [1, 2, 3, 4, -1],
  [-1, -1, 5, 6, 7],
  [0, 8, 9, -1, -1],
];

for (const { name, available } of await testBackends()) {
  describe.skipIf(!available)(`on ${name}`, () => {
    beforeAll(() => useBackend(name));

    for (const convention of ["reference", "uniform"] as const) {
      for (const denominator of ["targets", "reference"] as const) {
        it(`smoothedCrossEntropyAndNll() equals smoothedCrossEntropy() in value and gradient (${convention}, ${denominator})`, () => {
          tf.tidy(() => {
            const logits = tf.mul(tf.randomNormal([3, 5, 10], 0, 1, "float32", 1), 2) as tf.Tensor3D;
            const labels = tf.tensor2d(labelsRows, [3, 5], "int32");
            const eps = [0.1, 0.5, 0];
            const opts = { convention, denominator };
            const ours = tf.grad((z: tf.Tensor) => smoothedCrossEntropyAndNll(z as tf.Tensor3D, labels, eps, opts).loss)(logits);
            const theirs = tf.grad((z: tf.Tensor) => smoothedCrossEntropy(z as tf.Tensor3D, labels, eps, opts))(logits);
            expectClose(smoothedCrossEntropyAndNll(logits, labels, eps, opts).loss.dataSync(), smoothedCrossEntropy(logits, labels, eps, opts).dataSync());
            expectClose(ours.dataSync(), theirs.dataSync(), { scale: "max" });
          });
        });
      }
    }

    it("smoothedCrossEntropyAndNll() reports each sample's mean NLL (= its ε = 0 loss) before choosing ε", () => {
      tf.tidy(() => {
        const logits = tf.randomNormal([3, 5, 10], 0, 1, "float32", 2) as tf.Tensor3D;
        const labels = tf.tensor2d(labelsRows, [3, 5], "int32");
        let seen: Float64Array | undefined;
        const out = smoothedCrossEntropyAndNll(logits, labels, (nll) => {
          seen = nll;
          return Array.from(nll, (x) => x / 100);
        });
        const plain = smoothedCrossEntropyPerSample(logits, labels, 0).dataSync();
        expectClose(out.meanNll, plain);
        expect(seen).toBe(out.meanNll);
        expectClose(out.epsilon, Array.from(plain, (x) => x / 100));
      });
    });

    it("smoothedCrossEntropyAndNll() nllShift reference scores position t against label t (spec §4.1)", () => {
      tf.tidy(() => {
        const logits = tf.randomNormal([1, 3, 4], 0, 1, "float32", 3) as tf.Tensor3D;
        const labels = tf.tensor2d([[2, 0, 3]], [1, 3], "int32");
        const out = smoothedCrossEntropyAndNll(logits, labels, 0, { nllShift: "reference" });
        const logp = tf.logSoftmax(logits).arraySync()[0]!;
        const expected = -((logp[0]![2]! + logp[1]![0]! + logp[2]![3]!) / 3);
        expect(out.meanNll[0]).toBeCloseTo(expected, 5);
      });
    });

    it("smoothedCrossEntropyAndNll() sample weights make micro-batch losses add up to the batch mean", () => {
      tf.tidy(() => {
        const logits = tf.randomNormal([3, 5, 10], 0, 1, "float32", 4) as tf.Tensor3D;
        const labels = tf.tensor2d(labelsRows, [3, 5], "int32");
        const whole = smoothedCrossEntropy(logits, labels, 0.2).dataSync()[0]!;
        const part = (start: number, size: number) =>
          smoothedCrossEntropyAndNll(tf.slice(logits, [start, 0, 0], [size, 5, 10]), tf.slice(labels, [start, 0], [size, 5]), 0.2, {
            sampleWeights: new Array<number>(size).fill(1 / 3),
          }).loss.dataSync()[0]!;
        expect(part(0, 2) + part(2, 1)).toBeCloseTo(whole, 5);
      });
    });
  });
}

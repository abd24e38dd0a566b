import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { expectClose } from "./_expect_close.ts";
import { testBackends, useBackend } from "./_test_backends.ts";
import { targetLogProbs } from "./target_log_probs.ts";

for (const { name, available } of await testBackends()) {
  describe.skipIf(!available)(`on ${name}`, () => {
    beforeAll(() => useBackend(name));

    it("targetLogProbs() gives log softmax at each row's target, also for rows far from 0 and sharply peaked", () => {
      tf.tidy(() => {
        const rows = 37;
        const vocab = 1000;
        // per-row offsets of ±500 and scales up to 40: the max shift and the sum must both hold
        const logits = tf.add(tf.mul(tf.randomNormal([rows, vocab], 0, 1, "float32", 11), tf.reshape(tf.linspace(0.1, 40, rows), [rows, 1])), tf.reshape(tf.linspace(-500, 500, rows), [rows, 1])) as tf.Tensor2D;
        const targets = Array.from({ length: rows }, (_, i) => (i * 271) % vocab);
        const reference = tf.logSoftmax(logits).arraySync() as number[][];
        expectClose(targetLogProbs(logits, targets).dataSync(), targets.map((t, i) => reference[i]![t]!), { rtol: 1e-4, atol: 1e-4 });
      });
    });

    it("targetLogProbs() refuses targets outside the vocabulary or of the wrong count", () => {
      const logits = tf.zeros([2, 3]) as tf.Tensor2D;
      expect(() => targetLogProbs(logits, [0, 3])).toThrow(/outside the vocabulary/);
      expect(() => targetLogProbs(logits, [0])).toThrow(/1 targets for 2 rows/);
      logits.dispose();
    });
  });
}

import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { testBackends, useBackend } from "./_test_backends.ts";
import { matMulUncached } from "./mat_mul_uncached.ts";

const backends = await testBackends();

for (const { name: backendName, available } of backends) {
  describe.skipIf(!available)(`on ${backendName}`, () => {
    beforeAll(async () => {
      await useBackend(backendName);
    });

    it("matMulUncached() gives tf.matMul's values bit for bit, call after call", () => {
      tf.tidy(() => {
        const a = tf.randomNormal([37, 96], 0, 1, "float32", 1) as tf.Tensor2D;
        const b = tf.randomNormal([96, 130], 0, 0.1, "float32", 2) as tf.Tensor2D;
        const expected = Array.from(tf.matMul(a, b).dataSync());
        for (let i = 0; i < 2; i++) expect(Array.from(matMulUncached(a, b).dataSync())).toEqual(expected);
      });
    });

    it("matMulUncached() leaves no tensor behind and refuses shapes that do not multiply", () => {
      const a = tf.ones([2, 3]) as tf.Tensor2D;
      const b = tf.ones([3, 4]) as tf.Tensor2D;
      const before = tf.memory().numTensors;
      matMulUncached(a, b).dispose();
      expect(tf.memory().numTensors).toBe(before);
      expect(() => matMulUncached(a, a)).toThrow(/expected a \[M,K\] and b \[K,N\], got \[2,3\] and \[2,3\]/);
      tf.dispose([a, b]);
    });
  });
}

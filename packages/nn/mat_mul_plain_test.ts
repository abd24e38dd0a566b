import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { expectClose } from "./_expect_close.ts";
import { testBackends, useBackend } from "./_test_backends.ts";
import { matMulPlain } from "./mat_mul_plain.ts";

const backends = await testBackends();

for (const { name, available } of backends) {
  describe.skipIf(!available)(`on ${name}`, () => {
    beforeAll(() => useBackend(name));

    it("matMulPlain() equals tf.matMul in 2-D and batched 3-D", () => {
      tf.tidy(() => {
        const a = tf.randomNormal([5, 7], 0, 1, "float32", 1) as tf.Tensor2D;
        const b = tf.randomNormal([7, 3], 0, 1, "float32", 2) as tf.Tensor2D;
        expectClose(matMulPlain(a, b).dataSync(), tf.matMul(a, b).dataSync());
        const a3 = tf.randomNormal([4, 6, 5], 0, 1, "float32", 3) as tf.Tensor3D;
        const b3 = tf.randomNormal([4, 5, 9], 0, 1, "float32", 4) as tf.Tensor3D;
        const got = matMulPlain(a3, b3);
        expect(got.shape).toEqual([4, 6, 9]);
        expectClose(got.dataSync(), tf.matMul(a3, b3).dataSync());
      });
    });

    it("matMulPlain() has the gradients of tf.matMul", () => {
      tf.tidy(() => {
        const a = tf.randomNormal([3, 6, 5], 0, 1, "float32", 5) as tf.Tensor3D;
        const b = tf.randomNormal([3, 5, 4], 0, 1, "float32", 6) as tf.Tensor3D;
        const w = tf.randomNormal([3, 6, 4], 0, 1, "float32", 7);
        const ours = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(matMulPlain(x as tf.Tensor3D, y as tf.Tensor3D), w)))([a, b]);
        const theirs = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.matMul(x, y), w)))([a, b]);
        expectClose(ours[0]!.dataSync(), theirs[0]!.dataSync(), { scale: "max" });
        expectClose(ours[1]!.dataSync(), theirs[1]!.dataSync(), { scale: "max" });
      });
    });

    it("matMulPlain() rejects shapes that do not multiply", () => {
      expect(() => matMulPlain(tf.zeros([2, 3]) as tf.Tensor2D, tf.zeros([4, 2]) as tf.Tensor2D)).toThrow(/do not multiply/);
    });
  });
}

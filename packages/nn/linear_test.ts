import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { expectClose } from "./_expect_close.ts";
import { testBackends, useBackend } from "./_test_backends.ts";
import { linear } from "./linear.ts";

for (const { name, available } of await testBackends()) {
  describe.skipIf(!available)(`on ${name}`, () => {
    beforeAll(() => useBackend(name));

    it("linear() is x·w + b over the last axis, with the gradients of autodiff", () => {
      tf.tidy(() => {
        const x = tf.randomNormal([2, 3, 4], 0, 1, "float32", 8);
        const w = tf.randomNormal([4, 5], 0, 1, "float32", 9) as tf.Tensor2D;
        const b = tf.randomNormal([5], 0, 1, "float32", 10) as tf.Tensor1D;
        const y = linear(x, w, b);
        expect(y.shape).toEqual([2, 3, 5]);
        const expected = tf.add(tf.reshape(tf.matMul(tf.reshape(x, [6, 4]), w), [2, 3, 5]), b);
        expectClose(y.dataSync(), expected.dataSync());
        const r = tf.randomNormal([2, 3, 5], 0, 1, "float32", 11);
        const ours = tf.grads((xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.sum(tf.mul(linear(xx, ww as tf.Tensor2D, bb as tf.Tensor1D), r)))([x, w, b]);
        const theirs = tf.grads((xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) =>
          tf.sum(tf.mul(tf.add(tf.reshape(tf.matMul(tf.reshape(xx, [6, 4]), ww), [2, 3, 5]), bb), r)),
        )([x, w, b]);
        for (let i = 0; i < 3; i++) expectClose(ours[i]!.dataSync(), theirs[i]!.dataSync(), { scale: "max" });
      });
    });

    it("linear() rejects a weight that does not fit", () => {
      expect(() => linear(tf.zeros([2, 3]), tf.zeros([4, 5]) as tf.Tensor2D)).toThrow(/does not match the weight/);
    });
  });
}

import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { expectClose } from "./_expect_close.ts";
import { testBackends, useBackend } from "./_test_backends.ts";
import { causalAttentionBias } from "./causal_attention_bias.ts";
import { scaledDotProductAttention } from "./scaled_dot_product_attention.ts";

const backends = await testBackends();

/** Attention written directly with tfjs' batched matMul and transpose flags. */
function naive(q: tf.Tensor4D, k: tf.Tensor4D, v: tf.Tensor4D, bias: tf.Tensor4D): tf.Tensor {
  const scores = tf.div(tf.matMul(q, k, false, true), Math.sqrt(q.shape[3]));
  return tf.matMul(tf.softmax(tf.add(scores, bias)), v);
}

for (const { name, available } of backends) {
  describe.skipIf(!available)(`on ${name}`, () => {
    beforeAll(() => useBackend(name));

    it("scaledDotProductAttention() matches the batched-matMul formulation and its gradients", () => {
      tf.tidy(() => {
        const shape: [number, number, number, number] = [2, 3, 5, 4];
        const [q, k, v] = [1, 2, 3].map((s) => tf.randomNormal(shape, 0, 1, "float32", s) as tf.Tensor4D) as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
        const bias = causalAttentionBias([1, 1, 1, 1, 1, 1, 1, 1, 0, 0], 2, 5);
        expectClose(scaledDotProductAttention(q, k, v, bias).dataSync(), naive(q, k, v, bias).dataSync(), { rtol: 1e-4, atol: 1e-5 });
        const r = tf.randomNormal(shape, 0, 1, "float32", 4);
        const f = (attend: typeof naive) => (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.sum(tf.mul(attend(a as tf.Tensor4D, b as tf.Tensor4D, c as tf.Tensor4D, bias), r));
        const ours = tf.grads(f(scaledDotProductAttention))([q, k, v]);
        const theirs = tf.grads(f(naive))([q, k, v]);
        for (let i = 0; i < 3; i++) expectClose(ours[i]!.dataSync(), theirs[i]!.dataSync(), { rtol: 1e-4, atol: 1e-5, scale: "max" });
      });
    });

    it("scaledDotProductAttention() lets no position see the future", () => {
      tf.tidy(() => {
        const shape: [number, number, number, number] = [1, 2, 6, 4];
        const [q, k, v] = [5, 6, 7].map((s) => tf.randomNormal(shape, 0, 1, "float32", s) as tf.Tensor4D) as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
        const bias = causalAttentionBias(new Array<number>(6).fill(1), 1, 6);
        const before = scaledDotProductAttention(q, k, v, bias).arraySync();
        // change the last position's key and value: earlier outputs must not move
        const k2 = tf.concat([tf.slice(k, [0, 0, 0, 0], [1, 2, 5, 4]), tf.onesLike(tf.slice(k, [0, 0, 5, 0], [1, 2, 1, 4]))], 2) as tf.Tensor4D;
        const after = scaledDotProductAttention(q, k2, v, bias).arraySync();
        for (let h = 0; h < 2; h++) for (let t = 0; t < 5; t++) expect(after[0]![h]![t]).toEqual(before[0]![h]![t]);
      });
    });
  });
}

import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { testBackends, useBackend } from "./_test_backends.ts";
import { causalAttentionBias } from "./causal_attention_bias.ts";
import { gelu } from "./gelu.ts";
import { layerNorm } from "./layer_norm.ts";
import { leanVariableGrads } from "./lean_variable_grads.ts";
import { linear } from "./linear.ts";
import { matMulPlain } from "./mat_mul_plain.ts";
import { scaledDotProductAttention } from "./scaled_dot_product_attention.ts";
import { smoothedCrossEntropy } from "./smoothed_cross_entropy.ts";

const backends = await testBackends();
const [vocab, d, heads, time, batch] = [23, 16, 2, 6, 2];

/** A two-block transformer LM over seeded weights: embeddings, attention, GELU MLP, tied head. */
function makeModel() {
  const v = (shape: number[], seed: number, trainable = true) => tf.variable(tf.randomNormal(shape, 0, 0.3, "float32", seed), trainable);
  const weights = {
    embed: v([vocab, d], 1),
    // a frozen weight: used in the forward pass, gets no gradient
    frozen: v([d, d], 2, false),
    blocks: [0, 1].map((b) => ({
      gamma: tf.variable(tf.ones([d])),
      beta: tf.variable(tf.zeros([d])),
      qkv: v([d, 3 * d], 10 + b),
      up: v([d, 2 * d], 20 + b),
      down: v([2 * d, d], 30 + b),
    })),
  };
  const ids = tf.tensor2d([[1, 5, 7, 2, 9, 3], [4, 4, 8, 1, 0, 0]], [batch, time], "int32");
  const labels = tf.tensor2d([[1, 5, 7, 2, 9, 3], [4, 4, 8, 1, -1, -1]], [batch, time], "int32");
  const mask = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0];
  const loss = () =>
    tf.tidy(() => {
      let h = tf.gather(weights.embed, tf.reshape(ids, [batch * time])) as tf.Tensor2D;
      h = tf.add(h, matMulPlain(h, weights.frozen as tf.Tensor as tf.Tensor2D));
      const bias = causalAttentionBias(mask, batch, time);
      // a tidy per block, as a model would: what the tape does not save is freed block by block
      for (const blk of weights.blocks) {
        h = tf.tidy(() => {
          const a = layerNorm(h, blk.gamma as tf.Tensor1D, blk.beta as tf.Tensor1D);
          const qkv = tf.transpose(tf.reshape(linear(a, blk.qkv as tf.Tensor as tf.Tensor2D), [batch, time, 3 * heads, d / heads]), [0, 2, 1, 3]);
          const [q, k, vv] = tf.split(qkv, 3, 1) as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
          const att = tf.reshape(tf.transpose(scaledDotProductAttention(q, k, vv, bias), [0, 2, 1, 3]), [batch * time, d]) as tf.Tensor2D;
          const mid = tf.add(h, att);
          return tf.add(mid, linear(gelu(linear(mid, blk.up as tf.Tensor as tf.Tensor2D)), blk.down as tf.Tensor as tf.Tensor2D));
        });
      }
      const logits = tf.reshape(matMulPlain(h, tf.transpose(weights.embed) as tf.Tensor2D), [batch, time, vocab]) as tf.Tensor3D;
      return smoothedCrossEntropy(logits, labels, [0.1, 0.2]);
    });
  const trainable = [weights.embed, ...weights.blocks.flatMap((b) => [b.gamma, b.beta, b.qkv, b.up, b.down])];
  const dispose = () => tf.dispose([weights.embed, weights.frozen, ...weights.blocks.flatMap((b) => Object.values(b)), ids, labels]);
  return { loss, trainable, dispose };
}

for (const { name: backendName, available } of backends) {
  describe.skipIf(!available)(`on ${backendName}`, () => {
    beforeAll(async () => {
      await useBackend(backendName);
    });

    it("leanVariableGrads() gives tf.variableGrads' loss and gradients bit for bit", () => {
      const model = makeModel();
      const ours = leanVariableGrads(model.loss, model.trainable);
      const theirs = tf.variableGrads(model.loss, model.trainable);
      expect(ours.value.dataSync()[0]).toBe(theirs.value.dataSync()[0]);
      expect(Object.keys(ours.grads).sort()).toEqual(Object.keys(theirs.grads).sort());
      for (const [name, g] of Object.entries(theirs.grads)) expect(Array.from(ours.grads[name]!.dataSync()), name).toEqual(Array.from(g.dataSync()));
      tf.dispose([ours.value, theirs.value, ...Object.values(ours.grads), ...Object.values(theirs.grads)]);
      model.dispose();
    });

    it("leanVariableGrads() leaves only its results, and holds less at its peak than tf.variableGrads", async () => {
      // a deep residual stack: tfjs keeps every layer's gradients to the end, this frees them on the way
      const ws = Array.from({ length: 6 }, (_, i) => tf.variable(tf.randomNormal([64, 64], 0, 0.1, "float32", i)));
      const x = tf.randomNormal([256, 64], 0, 1, "float32", 9);
      const f = () => {
        let h = x;
        for (let i = 0; i < ws.length; i++) {
          const [input, w] = [h, ws[i] as tf.Variable];
          h = tf.tidy(() => tf.add(input, tf.tanh(tf.matMul(input, w))));
        }
        return tf.mean(tf.square(h)) as tf.Scalar;
      };
      // tf.profile() hands back the same object every time: read each peak before the next profile
      const leanPeak = (
        await tf.profile(() => {
          const { value, grads } = leanVariableGrads(f, ws);
          tf.dispose([value, ...Object.values(grads)]);
        })
      ).peakBytes;
      const before = tf.memory().numTensors;
      const again = leanVariableGrads(f, ws);
      tf.dispose([again.value, ...Object.values(again.grads)]);
      expect(tf.memory().numTensors).toBe(before);
      const plainPeak = (
        await tf.profile(() => {
          const { value, grads } = tf.variableGrads(f, ws);
          tf.dispose([value, ...Object.values(grads)]);
        })
      ).peakBytes;
      expect(leanPeak).toBeLessThan(0.8 * plainPeak);
      tf.dispose([x, ...ws]);
    });
  });
}

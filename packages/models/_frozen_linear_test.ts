import * as tf from "@tensorflow/tfjs-core";
import { matMulPlain, selectBackend } from "@ual/nn";
import { describe, expect, it } from "vitest";
import { frozenLinear } from "./_frozen_linear.ts";

describe("frozenLinear()", () => {
  for (const backend of ["wasm", "cpu"] as const) {
    // [out, in] = [4100, 1100] is above the 4M elements the backward pass packs at once: it goes
    // through W in column blocks; [64, 48] in one product
    for (const [out, inDim] of [[64, 48], [4100, 1100]] as const) {
      it(`frozenLinear() gives x·Wᵀ and dx = dy·W bit for bit on ${backend} (W [${out}, ${inDim}])`, async () => {
        await selectBackend(backend);
        tf.tidy(() => {
          const w = tf.randomNormal([out, inDim], 0, 0.05, "float32", 3) as tf.Tensor2D;
          const x = tf.randomNormal([9, inDim], 0, 1, "float32", 4) as tf.Tensor2D;
          const dy = tf.randomNormal([9, out], 0, 1, "float32", 5) as tf.Tensor2D;
          expect(Array.from(frozenLinear(x, w).dataSync())).toEqual(Array.from(matMulPlain(x, tf.transpose(w) as tf.Tensor2D).dataSync()));
          const dx = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(frozenLinear(input as tf.Tensor2D, w), dy)))(x);
          expect(Array.from(dx.dataSync())).toEqual(Array.from(tf.matMul(dy, w).dataSync()));
        });
      });
    }
  }
});

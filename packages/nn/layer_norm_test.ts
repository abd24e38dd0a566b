import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { expectClose } from "./_expect_close.ts";
import { testBackends, useBackend } from "./_test_backends.ts";
import { layerNorm } from "./layer_norm.ts";
import { nativeMatMulActive } from "./_native_mode.ts";

const backends = await testBackends();

function naiveLayerNorm(x: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), g), b);
}

for (const { name, available } of backends) {
  describe.skipIf(!available)(`on ${name}`, () => {
    beforeAll(() => useBackend(name));

    it("layerNorm() matches the textbook formula and its autodiff gradient", () => {
      tf.tidy(() => {
        const x = tf.add(tf.mul(tf.randomNormal([2, 5, 8], 0, 1, "float32", 1), 3), 1);
        const g = tf.randomNormal([8], 1, 0.1, "float32", 2) as tf.Tensor1D;
        const b = tf.randomNormal([8], 0, 0.1, "float32", 3) as tf.Tensor1D;
        expectClose(layerNorm(x, g, b).dataSync(), naiveLayerNorm(x, g, b).dataSync(), { rtol: 1e-4, atol: 1e-5 });
        const r = tf.randomNormal([2, 5, 8], 0, 1, "float32", 4);
        const ours = tf.grads((a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => tf.sum(tf.mul(layerNorm(a, c as tf.Tensor1D, d as tf.Tensor1D), r)))([x, g, b]);
        const theirs = tf.grads((a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => tf.sum(tf.mul(naiveLayerNorm(a, c, d), r)))([x, g, b]);
        for (let i = 0; i < 3; i++) expectClose(ours[i]!.dataSync(), theirs[i]!.dataSync(), { rtol: 1e-4, atol: 1e-5, scale: "max" });
      });
    });

    it("layerNorm() runs as one kernel each way on wasm's native path, else as tfjs ops, and keeps no tensor", async () => {
      const x = tf.variable(tf.randomNormal([96, 40], 2, 3, "float32", 5));
      const g = tf.variable(tf.randomNormal([40], 1, 0.1, "float32", 6));
      const b = tf.variable(tf.randomNormal([40], 0, 0.1, "float32", 7));
      const r = tf.randomNormal([96, 40], 0, 1, "float32", 8);
      const before = tf.memory().numTensors;
      const profile = await tf.profile(() => tf.tidy(() => void tf.variableGrads(() => tf.sum(tf.mul(layerNorm(x, g as tf.Tensor1D, b as tf.Tensor1D), r)), [x, g, b])));
      expect(tf.memory().numTensors).toBe(before);
      const fused = profile.kernelNames.includes("UalLayerNorm") && profile.kernelNames.includes("UalLayerNormGrad");
      expect(fused).toBe((name === "wasm" || name === "wasm-own") && nativeMatMulActive());
      tf.dispose([x, g, b, r]);
    });
  });
}

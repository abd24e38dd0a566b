import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { expectClose } from "./_expect_close.ts";
import { testBackends, useBackend } from "./_test_backends.ts";
import { gelu } from "./gelu.ts";
import { nativeMatMulActive } from "./_native_mode.ts";

function naiveGelu(x: tf.Tensor): tf.Tensor {
  const inner = tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI));
  return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(inner)));
}

for (const { name, available } of await testBackends()) {
  describe.skipIf(!available)(`on ${name}`, () => {
    beforeAll(() => useBackend(name));

    it("gelu() gives GPT-2's tanh GELU and its gradient", () => {
      tf.tidy(() => {
        const x = tf.linspace(-5, 5, 41);
        expectClose(gelu(x).dataSync(), naiveGelu(x).dataSync(), { rtol: 1e-5, atol: 1e-6 });
        expectClose(gelu(tf.tensor1d([-1, 0, 1])).dataSync(), [-0.158808, 0, 0.841192], { rtol: 1e-5, atol: 1e-6 });
        expectClose(tf.grad((t: tf.Tensor) => tf.sum(gelu(t)))(x).dataSync(), tf.grad((t: tf.Tensor) => tf.sum(naiveGelu(t)))(x).dataSync(), { rtol: 1e-4, atol: 1e-5 });
      });
    });

    it("gelu() runs as one kernel each way on wasm's native path, else as tfjs ops, and keeps no tensor", async () => {
      const x = tf.variable(tf.reshape(tf.linspace(-6, 6, 4096), [64, 64]));
      const before = tf.memory().numTensors;
      const profile = await tf.profile(() => tf.tidy(() => void tf.variableGrads(() => tf.sum(tf.mul(gelu(x), x)), [x])));
      expect(tf.memory().numTensors).toBe(before);
      const fused = profile.kernelNames.includes("UalGelu") && profile.kernelNames.includes("UalGeluGrad");
      expect(fused).toBe((name === "wasm" || name === "wasm-own") && nativeMatMulActive());
      x.dispose();
    });
  });
}

import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { expectClose } from "./_expect_close.ts";
import { testBackends, useBackend } from "./_test_backends.ts";
import { clipGradNorm } from "./clip_grad_norm.ts";

for (const { name, available } of await testBackends()) {
  describe.skipIf(!available)(`on ${name}`, () => {
    beforeAll(() => useBackend(name));

    it("clipGradNorm() scales every gradient by maxNorm/(norm+1e-6) when the global norm is larger", () => {
      tf.tidy(() => {
        const { grads, norm, clipped } = clipGradNorm({ a: tf.tensor1d([3]), b: tf.tensor1d([0, 4]) }, 1);
        expect(norm).toBeCloseTo(5, 5);
        expect(clipped).toBe(true);
        expectClose(grads.a!.dataSync(), [0.6], { rtol: 1e-5 });
        expectClose(grads.b!.dataSync(), [0, 0.8], { rtol: 1e-5 });
      });
    });

    it("clipGradNorm() leaves small gradients alone and reports a non-finite norm", () => {
      tf.tidy(() => {
        const small = clipGradNorm({ a: tf.tensor1d([0.3, 0.4]) }, 1);
        expect(small.clipped).toBe(false);
        expectClose(small.grads.a!.dataSync(), [0.3, 0.4]);
        expect(Number.isNaN(clipGradNorm({ a: tf.tensor1d([Number.NaN]) }, 1).norm)).toBe(true);
      });
    });
  });
}

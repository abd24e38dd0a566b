import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { expectClose } from "./_expect_close.ts";
import { testBackends, useBackend } from "./_test_backends.ts";
import { createAdamW } from "./adamw.ts";

const backends = await testBackends();

/** loss = Σ c_i·w_i² */
function gradsOf(w: tf.Variable): tf.NamedTensorMap {
  const { grads, value } = tf.variableGrads(() => tf.sum(tf.mul(tf.square(w), tf.tensor1d([1, 2, 3]))) as tf.Scalar, [w]);
  value.dispose();
  return { w: grads[w.name] as tf.Tensor };
}

for (const { name, available } of backends) {
  describe.skipIf(!available)(`on ${name}`, () => {
    beforeAll(() => useBackend(name));

    it("createAdamW() follows torch.optim.AdamW step for step", () => {
      // Reference: torch 1.13 AdamW(lr=0.1, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.01) on the same loss.
      const expected = [
        [0.89900005, -1.898, 0.39950001],
        [0.79851907, -1.79627264, 0.30029786],
        [0.69891125, -1.69494462, 0.2037124],
      ];
      const w = tf.variable(tf.tensor1d([1, -2, 0.5]), true, `adam-w-${name}`);
      const adam = createAdamW(new Map([["w", w]]), { weightDecay: 0.01 });
      for (const row of expected) {
        const g = gradsOf(w);
        adam.update(g, 0.1);
        tf.dispose(g);
        expectClose(w.dataSync(), row, { rtol: 1e-6 });
      }
      const state = adam.state();
      expect(state.step).toBe(3);
      expectClose(state.slots.get("w")!.m, [0.48352381587028503, -2.0497889518737793, 0.6389086842536926], { rtol: 1e-6 });
      expectClose(state.slots.get("w")!.v, [0.009772107005119324, 0.17307843267917633, 0.01796831004321575], { rtol: 1e-5 });
      adam.dispose();
      w.dispose();
    });

    it("createAdamW() restored from its state continues bit for bit", () => {
      const make = (tag: string) => tf.variable(tf.tensor1d([1, -2, 0.5]), true, `adam-r-${tag}-${name}`);
      const a = make("a");
      const adamA = createAdamW(new Map([["w", a]]));
      for (let i = 0; i < 2; i++) tf.tidy(() => adamA.update(gradsOf(a), 0.05));
      const b = make("b");
      b.assign(tf.tensor1d(a.dataSync() as Float32Array));
      const adamB = createAdamW(new Map([["w", b]]));
      adamB.restore(adamA.state());
      for (let i = 0; i < 2; i++) {
        tf.tidy(() => adamA.update(gradsOf(a), 0.05));
        tf.tidy(() => adamB.update(gradsOf(b), 0.05));
      }
      expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
      adamA.dispose();
      adamB.dispose();
      tf.dispose([a, b]);
    });

    it("createAdamW() keeps tf.memory().numTensors flat across updates", () => {
      const w = tf.variable(tf.tensor1d([1, -2, 0.5]), true, `adam-m-${name}`);
      const adam = createAdamW(new Map([["w", w]]), { weightDecay: 0.1 });
      tf.tidy(() => adam.update(gradsOf(w), 0.01));
      const before = tf.memory().numTensors;
      for (let i = 0; i < 3; i++) tf.tidy(() => adam.update(gradsOf(w), 0.01));
      expect(tf.memory().numTensors).toBe(before);
      adam.dispose();
      w.dispose();
    });
  });
}

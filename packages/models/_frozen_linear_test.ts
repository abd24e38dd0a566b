import * as tf from "@tensorflow/tfjs-core";
import { matMulPlain, nativeMatMulActive, selectBackend } from "@ual/nn";
import { describe, expect, it } from "vitest";
import { frozenLinear } from "./_frozen_linear.ts";

/** Bit for bit on XNNPACK and cpu (the same sums in the same order); with native sgemm, whose kernel may sum in another order for other shapes and alignments, to float32 rounding. */
function expectSame(got: Float32Array | Int32Array | Uint8Array, want: Float32Array | Int32Array | Uint8Array): void {
  if (!nativeMatMulActive()) {
    expect(Array.from(got)).toEqual(Array.from(want));
    return;
  }
  let worst = 0;
  let scale = 0;
  want.forEach((w, i) => {
    worst = Math.max(worst, Math.abs((got[i] as number) - w));
    scale = Math.max(scale, Math.abs(w));
  });
  expect(worst).toBeLessThan(1e-6 * scale);
}

describe("frozenLinear()", () => {
  for (const backend of ["wasm", "wasm-xnnpack", "cpu"] as const) {
    // [out, in] = [4100, 1100] is above the 4M elements the backward pass packs at once: it goes
    // through W in column blocks (on XNNPACK); [64, 48] in one product
    for (const [out, inDim] of [[64, 48], [4100, 1100]] as const) {
      it(`frozenLinear() gives x·Wᵀ and dx = dy·W (bit for bit but on native sgemm) on ${backend} (W [${out}, ${inDim}])`, async () => {
        await (backend === "wasm-xnnpack" ? selectBackend("wasm", { nativeBlas: false }) : selectBackend(backend));
        tf.tidy(() => {
          const w = tf.randomNormal([out, inDim], 0, 0.05, "float32", 3) as tf.Tensor2D;
          const x = tf.randomNormal([9, inDim], 0, 1, "float32", 4) as tf.Tensor2D;
          const dy = tf.randomNormal([9, out], 0, 1, "float32", 5) as tf.Tensor2D;
          expectSame(frozenLinear(x, w).dataSync(), matMulPlain(x, tf.transpose(w) as tf.Tensor2D).dataSync());
          const dx = tf.grad((input: tf.Tensor) => tf.sum(tf.mul(frozenLinear(input as tf.Tensor2D, w), dy)))(x);
          expectSame(dx.dataSync(), tf.matMul(dy, w).dataSync());
        });
      });
    }
  }
});

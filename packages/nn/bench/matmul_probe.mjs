// The probe behind the "Layers for wasm" table of the README: GFLOP/s of the matmul formulations
// tfjs-backend-wasm offers, at transformer shapes. `node bench/matmul_probe.mjs` after a build.
import * as tf from "@tensorflow/tfjs-core";
import { matMulPlain, selectBackend } from "@ual/nn";

await selectBackend(process.argv[2] ?? "wasm");
function time(label, flops, f, reps = 10) {
  for (let i = 0; i < 2; i++) tf.tidy(() => void f().dataSync());
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) tf.tidy(() => void f().dataSync());
  const ms = (performance.now() - t0) / reps;
  console.log(`${label.padEnd(44)} ${ms.toFixed(2).padStart(8)} ms ${(flops / ms / 1e6).toFixed(1).padStart(6)} GFLOP/s`);
}
for (const [m, k, n] of [[1024, 128, 384], [1024, 512, 128], [2048, 256, 768], [2048, 256, 8192]]) {
  const a = tf.randomNormal([m, k]);
  const b = tf.randomNormal([k, n]);
  const aT = tf.randomNormal([k, m]);
  const bT = tf.randomNormal([n, k]);
  const flops = 2 * m * k * n;
  console.log(`[${m},${k}]·[${k},${n}]`);
  time("  plain 2-D", flops, () => tf.matMul(a, b));
  time("  transposeB", flops, () => tf.matMul(a, bT, false, true));
  time("  transposeA", flops, () => tf.matMul(aT, b, true, false));
  time("  explicit transpose, then plain", flops, () => tf.matMul(a, tf.transpose(bT)));
}
for (const [g, t, dh] of [[32, 128, 32], [64, 256, 32]]) {
  const q = tf.randomNormal([g, t, dh]);
  const kT = tf.randomNormal([g, dh, t]);
  const flops = 2 * g * t * t * dh;
  console.log(`attention scores [${g},${t},${dh}]·[${g},${dh},${t}]`);
  time("  tf.matMul (batched)", flops, () => tf.matMul(q, kT));
  time("  matMulPlain (UalBatchMatMul)", flops, () => matMulPlain(q, kT));
}

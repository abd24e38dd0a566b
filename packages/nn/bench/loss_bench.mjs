// Forward + backward of smoothedCrossEntropy at B=8, T=256, V=8192 on wasm and cpu, against a
// baseline measured in the same run: the loss written naively, with a dense one-hot target and
// tfjs autodiff. Also the gradient of an embedding lookup (UnsortedSegmentSum), with the
// project's kernel and, on cpu, tfjs' own.
//
//   npm run build && npm run bench        (from packages/nn)
//
// wasm and cpu finish every kernel before returning, so no read-back is needed to time them.
import * as tf from "@tensorflow/tfjs-core";
import { selectBackend, smoothedCrossEntropy } from "../dist/mod.js";

const [B, T, V] = [8, 256, 8192];
const EPSILON = 0.1;
const REPEATS = { wasm: 5, cpu: 2 };

// tfjs' pure-JS UnsortedSegmentSum, kept before selectBackend replaces it
const tfjsCpuSegmentSum = tf.getKernel("UnsortedSegmentSum", "cpu");

function labelsFor(batch, time, vocab) {
  const rows = [];
  let state = 12345;
  for (let b = 0; b < batch; b++) {
    const row = [];
    for (let t = 0; t < time; t++) {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      // a masked prompt: the first eighth of each sample is ignored
      row.push(t < time / 8 ? -1 : state % vocab);
    }
    rows.push(row);
  }
  return rows;
}

/** The baseline: a dense [B,T-1,V] target q, −Σ q·log_softmax, per-sample mean, tfjs autodiff. */
function denseLoss(logits, rows, epsilon) {
  const [batch, time, vocab] = logits.shape;
  const logp = tf.logSoftmax(tf.slice(logits, [0, 0, 0], [batch, time - 1, vocab]));
  const shifted = rows.map((row) => row.slice(1));
  const safe = tf.tensor2d(shifted.map((row) => row.map((y) => Math.max(y, 0))), [batch, time - 1], "int32");
  const mask = tf.tensor2d(shifted.map((row) => row.map((y) => (y === -1 ? 0 : 1))));
  const onehot = tf.cast(tf.oneHot(safe, vocab), "float32");
  const q = tf.add(tf.mul(onehot, 1 - epsilon), tf.mul(tf.sub(1, onehot), epsilon / (vocab - 1)));
  const token = tf.neg(tf.sum(tf.mul(q, logp), -1));
  const counts = shifted.map((row) => row.filter((y) => y !== -1).length);
  const perSample = tf.div(tf.sum(tf.mul(token, mask), 1), tf.tensor1d(counts.map((c) => Math.max(c, 1))));
  return tf.mean(perSample);
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function time(repeats, run) {
  run(); // warm-up: kernels set up, heap grown
  const ms = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    run();
    ms.push(performance.now() - start);
  }
  return median(ms);
}

function lossStep(loss, logits) {
  tf.tidy(() => {
    const grad = tf.grad(loss)(logits);
    grad.dispose();
  });
}

const rows = labelsFor(B, T, V);
const results = [];
for (const name of ["wasm", "cpu"]) {
  const { detail } = await selectBackend(name);
  const logits = tf.randomNormal([B, T, V], 0, 2, "float32", 42);
  const labels = tf.tensor2d(rows, [B, T], "int32");
  // the two implementations agree before they are timed
  const check = tf.tidy(() => [
    smoothedCrossEntropy(logits, labels, EPSILON).dataSync()[0],
    denseLoss(logits, rows, EPSILON).dataSync()[0],
  ]);
  const repeats = REPEATS[name];
  const ours = time(repeats, () => lossStep((x) => smoothedCrossEntropy(x, labels, EPSILON), logits));
  const forward = time(repeats, () => tf.tidy(() => smoothedCrossEntropy(logits, labels, EPSILON)).dispose());
  const baseline = time(repeats, () => lossStep((x) => denseLoss(x, rows, EPSILON), logits));
  results.push({ name, detail, ours, forward, baseline, check });
  logits.dispose();
  labels.dispose();
}

console.log(`smoothedCrossEntropy forward+backward, B=${B} T=${T} V=${V} (${((B * T * V * 4) / 2 ** 20).toFixed(0)} MiB of logits), ε=${EPSILON}`);
console.log("baseline: dense one-hot target + tfjs autodiff, measured in the same run; median of repeats");
for (const r of results) {
  console.log(`\n[${r.name}] ${r.detail}`);
  console.log(`  loss values     ours ${r.check[0].toFixed(6)}   baseline ${r.check[1].toFixed(6)}`);
  console.log(`  fwd+bwd         ours ${r.ours.toFixed(1)} ms   baseline ${r.baseline.toFixed(1)} ms   ours/baseline ${(r.ours / r.baseline).toFixed(3)} (${(r.baseline / r.ours).toFixed(1)}× faster)`);
  console.log(`  forward only    ours ${r.forward.toFixed(1)} ms`);
}

// The gradient of an embedding lookup: tf.gather's gradient is UnsortedSegmentSum.
const [vocab, width, tokens] = [2048, 64, 1024];
console.log(`\nembedding gradient: gather ${tokens} rows of a [${vocab},${width}] table, fwd+bwd`);
for (const name of ["wasm", "cpu"]) {
  await selectBackend(name);
  const table = tf.randomNormal([vocab, width], 0, 1, "float32", 1);
  const ids = tf.tensor1d(Array.from({ length: tokens }, (_, i) => (i * 7919) % vocab), "int32");
  const step = () => lossStep((t) => tf.sum(tf.gather(t, ids)), table);
  const ours = time(3, step);
  let line = `  [${name}] project kernel ${ours.toFixed(1)} ms`;
  if (name === "cpu" && tfjsCpuSegmentSum !== undefined) {
    const ourKernel = tf.getKernel("UnsortedSegmentSum", "cpu");
    tf.unregisterKernel("UnsortedSegmentSum", "cpu");
    tf.registerKernel(tfjsCpuSegmentSum);
    const theirs = time(1, step);
    tf.unregisterKernel("UnsortedSegmentSum", "cpu");
    tf.registerKernel(ourKernel);
    line += `   tfjs-backend-cpu's kernel ${theirs.toFixed(1)} ms (${(theirs / ours).toFixed(0)}× slower)`;
  }
  console.log(line);
  table.dispose();
  ids.dispose();
}

// `npm run bench:train`: trains two fixed GPT-2-family configurations for a few steps on the wasm
// backend and prints tokens/s and peak RSS; when /usr/bin/python3 has torch, trains the same
// model, loss and optimizer in PyTorch on 2 threads in the same run and prints tfjs/PyTorch.
//
//   npm run bench:train                 # both configurations
//   npm run bench:train -- tiny         # one
//   npm run bench:train -- --profile    # also the top kernels of one tfjs step
//
// Each measurement runs in its own process (so peak RSS is per configuration); the rate is the
// median of the steps after the first (which grows the heap and packs XNNPACK operators). tfjs is
// measured on 1 thread and on 2 (the trainer's `threads: 2`, data parallel), PyTorch on 2.
//
// The baseline must be one anybody would use: Debian's python3-torch links libblas.so.3, which is
// the *reference* BLAS (~2 GFLOP/s) unless an optimised one is installed (apt-get install
// libopenblas0-pthread). So the PyTorch side reports the BLAS it mapped and its 1024² matmul
// GFLOP/s, measured in the same run, and no ratio is printed when that BLAS is the reference one
// or slower than MIN_BASELINE_GFLOPS.
import { spawnSync } from "node:child_process";
import { availableParallelism } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const CONFIGS = {
  tiny: { vocab: 256, d: 128, layers: 4, heads: 4, ctx: 128, batch: 8, steps: 10 },
  small: { vocab: 8192, d: 256, layers: 6, heads: 8, ctx: 256, batch: 8, steps: 5 },
};
const here = dirname(fileURLToPath(import.meta.url));
const MIN_BASELINE_GFLOPS = 20;
const args = process.argv.slice(2);

if (args[0] === "--child") {
  await child(JSON.parse(args[1]));
} else if (args[0] === "--trainer") {
  await trainerChild(JSON.parse(args[1]));
} else {
  await main();
}

// The measurement: @ual/trainer-tfjs itself, on samples that render to exactly `ctx` byte tokens
// (maskPrompt off, so every position is a target), one checkpoint at the end (not timed).
async function trainerChild(cfg) {
  const { usePlugin, createLogger } = await import("@ual/core");
  const { plugin } = await import("@ual/trainer-tfjs");
  const { mkdtempSync, rmSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const dir = mkdtempSync(join(tmpdir(), "ual-bench-"));
  let x = 12345;
  const text = (n) => Array.from({ length: n }, () => String.fromCharCode(32 + ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) % 95))).join("");
  const samples = Array.from({ length: cfg.batch * cfg.steps }, (_, i) => ({
    id: `b${i}`,
    turns: [{ role: "user", content: text(16) }, { role: "assistant", content: text(cfg.ctx) }],
    metadata: {},
  }));
  let backend = "";
  const trainer = await usePlugin(
    plugin,
    {
      backend: "wasm",
      // the byte tokenizer has 259 ids: the tiny model's vocabulary is 259 here (PyTorch: 256)
      model: { preset: "tiny", vocabSize: Math.max(cfg.vocab, 259), contextLength: cfg.ctx, dModel: cfg.d, layers: cfg.layers, heads: cfg.heads },
      maskPrompt: false,
      maxLength: cfg.ctx,
      batchSize: cfg.batch,
      maxSteps: cfg.steps,
      threads: cfg.threads,
      checkpointEvery: 1e9,
      groupByLength: false,
    },
    { runDir: dir, logger: createLogger((_l, m) => { if (m.startsWith("backend: ")) backend = m.slice(9); }) },
  );
  const rates = [];
  let loss = 0;
  const signal = new AbortController().signal;
  for await (const e of trainer.train({ samples: () => (async function* () { yield* samples; })() }, { signal })) {
    if (e.type === "train.step") {
      rates.push(e.tokensPerSecond);
      loss = e.loss;
    }
  }
  rmSync(dir, { recursive: true, force: true });
  const rest = rates.slice(1).sort((a, b) => a - b);
  const median = rest[Math.floor(rest.length / 2)] ?? rates[0];
  console.log(JSON.stringify({ tokensPerSecond: median, peakRssMb: process.resourceUsage().maxRSS / 1024, backend, loss, threads: cfg.threads }));
}

async function child(cfg) {
  const tf = await import("@tensorflow/tfjs-core");
  const { selectBackend, smoothedCrossEntropyAndNll, createAdamW, clipGradNorm } = await import("@ual/nn");
  const { createGpt2 } = await import("@ual/models");
  const backend = await selectBackend(cfg.backend ?? "wasm");
  const model = createGpt2({ vocabSize: cfg.vocab, contextLength: cfg.ctx, dModel: cfg.d, layers: cfg.layers, heads: cfg.heads }, { seed: 1 });
  const variables = [...model.variables.values()];
  const hf = new Map([...model.variables].map(([name, v]) => [v.name, name]));
  const adam = createAdamW(model.variables);
  const tokens = new Int32Array(cfg.batch * cfg.ctx);
  let x = 12345;
  for (let i = 0; i < tokens.length; i++) tokens[i] = (x = (Math.imul(x, 1103515245) + 12345) >>> 0) % cfg.vocab;
  const ids = tf.tensor2d(tokens, [cfg.batch, cfg.ctx], "int32");
  // one optimizer step exactly as @ual/trainer-tfjs takes it (whole batch, ε = 0.1, clip 1, AdamW)
  const step = () => {
    const { value, grads } = tf.variableGrads(() => smoothedCrossEntropyAndNll(model.logits(ids), ids, 0.1).loss, variables);
    const loss = value.dataSync()[0];
    const named = {};
    for (const [k, g] of Object.entries(grads)) named[hf.get(k)] = g;
    const clipped = clipGradNorm(named, 1);
    adam.update(clipped.grads, 3e-4);
    tf.dispose([value, grads, clipped.grads]);
    return loss;
  };
  const times = [];
  let loss = 0;
  for (let s = 0; s < cfg.steps; s++) {
    const t0 = performance.now();
    loss = step();
    times.push(performance.now() - t0);
  }
  let profile;
  if (cfg.profile) {
    const p = await tf.profile(() => void step());
    const byKernel = new Map();
    // customGrad ops appear as "unnamed scope" and include their inner kernels: left out
    for (const k of p.kernels.filter((k) => k.name !== "unnamed scope")) {
      const e = byKernel.get(k.name) ?? { ms: 0, calls: 0 };
      e.ms += k.kernelTimeMs;
      e.calls++;
      byKernel.set(k.name, e);
    }
    profile = [...byKernel].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12).map(([name, e]) => ({ name, ...e }));
  }
  const rest = times.slice(1).sort((a, b) => a - b);
  const median = rest[Math.floor(rest.length / 2)] ?? times[0];
  console.log(
    JSON.stringify({
      tokensPerSecond: (cfg.batch * cfg.ctx) / (median / 1000),
      stepMs: median,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      backend: backend.detail,
      loss,
      profile,
    }),
  );
}

function run(command, argv) {
  const r = spawnSync(command, argv, { encoding: "utf8", maxBuffer: 16 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${command} ${argv.slice(0, 2).join(" ")} failed:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop());
}

function cpuModel() {
  const r = spawnSync("lscpu", [], { encoding: "utf8" });
  const line = (r.stdout ?? "").split("\n").find((l) => l.startsWith("Model name:"));
  return line ? line.slice("Model name:".length).trim() : "unknown CPU";
}

/** Why the PyTorch baseline is not one to compare with, or undefined when it is. */
function baselineProblem(pt) {
  const libs = pt.blasLibraries ?? [];
  // Debian's reference BLAS lives in .../blas/; torch's sgemm comes from libblas.so.3 even when
  // OpenBLAS is mapped too (through liblapack)
  if (libs.some((l) => /\/blas\/libblas\.so/.test(l))) {
    return `PyTorch runs on the reference BLAS (${libs.join(", ")}; ${pt.matmulGflops.toFixed(1)} GFLOP/s): install an optimised one (Debian: apt-get install libopenblas0-pthread) and rerun`;
  }
  if (!(pt.matmulGflops >= MIN_BASELINE_GFLOPS)) {
    return `PyTorch's matmul runs at ${pt.matmulGflops.toFixed(1)} GFLOP/s (< ${MIN_BASELINE_GFLOPS}; BLAS ${libs.join(", ") || "unknown"}): not a baseline anybody would use; install an optimised BLAS (Debian: apt-get install libopenblas0-pthread)`;
  }
  return undefined;
}

/** The native BLAS tfjs' matmuls run on (@ual/blas), and its 1024² sgemm GFLOP/s on `threads` threads. */
async function tfjsBlas(threads) {
  const { loadBlas } = await import("@ual/blas");
  const load = loadBlas();
  if (load.status !== "loaded") return { note: `no native BLAS (${load.reason}): matmuls on XNNPACK` };
  const n = 1024;
  const buffer = new ArrayBuffer(4 * 3 * n * n);
  const f = new Float32Array(buffer);
  for (let i = 0; i < 2 * n * n; i++) f[i] = Math.sin(i);
  load.blas.setThreads(threads);
  let best = Infinity;
  for (let r = 0; r < 12; r++) {
    const t0 = performance.now();
    load.blas.sgemmBatch(buffer, false, false, 1, n, n, n, 0, 0, n * n, 0, 2 * n * n, 0);
    if (r >= 2) best = Math.min(best, performance.now() - t0);
  }
  // `matmuls` names the path and ends with the thread count: `own AVX-512 kernels, 2 threads`
  return { note: `${load.blas.info().matmuls}: ${(2 * n ** 3 / best / 1e6).toFixed(0)} GFLOP/s` };
}

function hasTorch() {
  return spawnSync("/usr/bin/python3", ["-c", "import torch"], { encoding: "utf8" }).status === 0;
}

async function main() {
  const names = args.filter((a) => a in CONFIGS);
  const profile = args.includes("--profile");
  const torch = hasTorch();
  const rows = [];
  for (const name of names.length > 0 ? names : Object.keys(CONFIGS)) {
    const cfg = CONFIGS[name];
    process.stderr.write(`${name}: tfjs 1 thread …`);
    const tfjs1 = run(process.execPath, [fileURLToPath(import.meta.url), "--trainer", JSON.stringify({ ...cfg, threads: 1 })]);
    process.stderr.write(" 2 threads …");
    const tfjs = run(process.execPath, [fileURLToPath(import.meta.url), "--trainer", JSON.stringify({ ...cfg, threads: 2 })]);
    if (profile) tfjs.profile = run(process.execPath, [fileURLToPath(import.meta.url), "--child", JSON.stringify({ ...cfg, profile })]).profile;
    let pt;
    if (torch) {
      process.stderr.write(" PyTorch …");
      pt = run("/usr/bin/python3", [join(here, "torch_train.py"), JSON.stringify({ ...cfg, threads: 2 })]);
    }
    process.stderr.write(" done\n");
    rows.push({ name, cfg, tfjs, tfjs1, pt });
  }
  console.log(`\nCPU: ${cpuModel()}, ${availableParallelism()} cores`);
  console.log(`tfjs: ${rows[0]?.tfjs1.backend}`);
  console.log(`tfjs native BLAS (1024² sgemm, same run): ${(await tfjsBlas(2)).note}`);
  let problem;
  if (!torch) console.log("PyTorch: /usr/bin/python3 has no torch (Debian: apt-get install python3-torch); tfjs only");
  else {
    const pt = rows[0].pt;
    console.log(`PyTorch ${pt.torch}, ${pt.threads} threads, BLAS ${pt.blasLibraries.join(", ") || "unknown"}: 1024² matmul ${pt.matmulGflops.toFixed(0)} GFLOP/s (same run)`);
    problem = rows.map(({ pt }) => baselineProblem(pt)).find((p) => p !== undefined);
    if (problem) console.log(`NO RATIO: ${problem}`);
  }
  console.log("\n| config | shape | tfjs 1 thread tok/s | tfjs 2 threads tok/s | tfjs peak RSS (1 / 2 threads) | PyTorch 2 threads tok/s | PyTorch peak RSS | tfjs/PyTorch (1 / 2 threads) |");
  console.log("|---|---|---|---|---|---|---|---|");
  for (const { name, cfg, tfjs, tfjs1, pt } of rows) {
    const shape = `V ${cfg.vocab}, d ${cfg.d}, ${cfg.layers} layers, ${cfg.heads} heads, ctx ${cfg.ctx}, batch ${cfg.batch}`;
    const ratio = (t) => (problem ? "refused" : (t.tokensPerSecond / pt.tokensPerSecond).toFixed(2));
    const ptCols = pt ? `${pt.tokensPerSecond.toFixed(0)} | ${pt.peakRssMb.toFixed(0)} MB | ${ratio(tfjs1)} / ${ratio(tfjs)}` : "– | – | –";
    console.log(`| ${name} | ${shape} | ${tfjs1.tokensPerSecond.toFixed(0)} | ${tfjs.tokensPerSecond.toFixed(0)} | ${tfjs1.peakRssMb.toFixed(0)} / ${tfjs.peakRssMb.toFixed(0)} MB | ${ptCols} |`);
  }
  console.log("\ntfjs: @ual/trainer-tfjs itself (whole batch, ε = 0.1 reference convention, clip 1, AdamW), median step after the first; 2 threads = threads: 2 (data parallel over a worker thread). Peak RSS of the main process; with 2 threads the worker's heap is in the same process.");
  for (const { name, tfjs } of rows) {
    if (!tfjs.profile) continue;
    console.log(`\n${name}: the kernels of one tfjs step (tf.profile; ms, calls)`);
    for (const k of tfjs.profile) console.log(`  ${k.name.padEnd(22)} ${k.ms.toFixed(1).padStart(8)} ms ${String(k.calls).padStart(5)}`);
  }
}

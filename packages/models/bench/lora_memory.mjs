// Peak memory of LoRA fine-tuning a ~100M-parameter Llama-shaped model on the wasm backend
// (issue 5). Run after `npm run build`:
//   node packages/models/bench/lora_memory.mjs [--steps 3] [--time 128] [--keep]
// 1. A child process writes a random checkpoint in Hugging Face layout (BF16, as hub checkpoints
//    are), one tensor at a time, to a temporary folder.
// 2. A fresh child process loads it with loadHfModel (widening BF16 to float32 tensor by tensor),
//    attaches LoRA (r 8, alpha 16, dropout 0.1 on q_proj and v_proj, spec §5.2), and runs a few
//    AdamW steps on one sequence, with the gradients the trainer takes (leanVariableGrads); it
//    reports, per phase, the RSS (now and the kernel's high-water mark VmHWM), the wasm heap (which
//    only grows: its size is the high-water mark of tfjs' allocations), the bytes of the tensor
//    buffers alive and the most alive during the phase. The float32 weights alone are 4 bytes per
//    parameter: loading must not hold two copies of them, and a LoRA step should add little more
//    than the activations the backward pass needs.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    steps: { type: "string", default: "3" },
    time: { type: "string", default: "128" },
    make: { type: "string" },
    train: { type: "string" },
    keep: { type: "boolean", default: false },
  },
});

// ~100M parameters: 32000 × 768 tied embedding (24.6M) + 12 blocks of GQA attention (12 q heads,
// 4 kv heads of 64) and a 2048-wide SwiGLU MLP (6.3M each).
const CONFIG = { vocabSize: 32000, dModel: 768, ffnDim: 2048, layers: 12, heads: 12, kvHeads: 4, contextLength: 512, tieWordEmbeddings: true };

const peakRssMb = () => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"))[1]) / 1024;

if (values.make !== undefined) {
  const { llamaConfigToHf, llamaWeightShapes } = await import("@ual/models");
  const { createRng } = await import("@ual/nn");
  const { writeSafetensors } = await import("@ual/safetensors");
  const { writeFile, mkdir } = await import("node:fs/promises");
  await mkdir(values.make, { recursive: true });
  const rng = createRng(1);
  const tensors = {};
  for (const [name, shape] of llamaWeightShapes(CONFIG)) {
    tensors[name] = {
      dtype: "BF16",
      shape,
      data: () => {
        const size = shape.reduce((a, b) => a * b, 1);
        const out = new Float32Array(size);
        if (name.endsWith("norm.weight")) return out.fill(1);
        for (let i = 0; i < size; i++) out[i] = 0.02 * (2 * rng.float() - 1) * Math.sqrt(3);
        return out;
      },
    };
  }
  await writeSafetensors(join(values.make, "model.safetensors"), tensors, { format: "pt" });
  await writeFile(join(values.make, "config.json"), JSON.stringify({ ...llamaConfigToHf(CONFIG), torch_dtype: "bfloat16" }));
} else if (values.train !== undefined) {
  const tf = await import("@tensorflow/tfjs-core");
  const { attachLora, llamaParameterCount, loadHfModel } = await import("@ual/models");
  const { createAdamW, leanVariableGrads, selectBackend, smoothedCrossEntropy } = await import("@ual/nn");
  await selectBackend("wasm");
  // Tensor buffers alive on the heap: counted where the backend allocates (move) and frees them.
  const backend = tf.backend();
  const sizes = new Map();
  let live = 0;
  let most = 0;
  const move = backend.move.bind(backend);
  const disposeData = backend.disposeData.bind(backend);
  backend.move = (dataId, values, shape, dtype, refCount) => {
    const bytes = dtype === "string" ? 0 : shape.reduce((a, b) => a * b, 1) * (dtype === "bool" ? 1 : 4);
    sizes.set(dataId, bytes);
    live += bytes;
    most = Math.max(most, live);
    return move(dataId, values, shape, dtype, refCount);
  };
  backend.disposeData = (dataId, force) => {
    const freed = disposeData(dataId, force);
    if (freed && sizes.has(dataId)) {
      live -= sizes.get(dataId);
      sizes.delete(dataId);
    }
    return freed;
  };
  const status = (key) => Number(new RegExp(`${key}:\\s+(\\d+) kB`).exec(readFileSync("/proc/self/status", "utf8"))[1]) / 1024;
  const phases = [];
  const phase = (name) => {
    phases.push({ name, rssMb: status("VmRSS"), peakRssMb: status("VmHWM"), heapMb: (backend.wasm?.HEAPU8?.length ?? 0) / 1024 ** 2, tensorMb: tf.memory().numBytes / 1024 ** 2, liveMb: live / 1024 ** 2, mostMb: most / 1024 ** 2 });
    most = live;
  };
  let started = performance.now();
  const { model } = await loadHfModel(values.train, { trainable: false });
  const loadSeconds = (performance.now() - started) / 1000;
  const afterLoad = peakRssMb();
  phase("load");
  const lora = attachLora(model, { r: 8, alpha: 16, dropout: 0.1 });
  const adam = createAdamW(lora.variables, { weightDecay: 0.01 });
  const time = Number(values.time);
  const ids = tf.tensor2d(Int32Array.from({ length: time }, (_, i) => (i * 7919) % CONFIG.vocabSize), [1, time], "int32");
  const labels = tf.tensor2d(Int32Array.from({ length: time }, (_, i) => ((i + 1) * 7919) % CONFIG.vocabSize), [1, time], "int32");
  const vars = [...lora.variables.values()];
  const nameOf = new Map([...lora.variables].map(([n, v]) => [v.name, n]));
  const losses = [];
  phase("attach LoRA, AdamW");
  const seconds = [];
  for (let s = 0; s < Number(values.steps); s++) {
    started = performance.now();
    const { value, grads } = leanVariableGrads(() => {
      const loss = smoothedCrossEntropy(model.logits(ids), labels, 0.1);
      if (s === 0) phase("step 1: forward (tape)");
      return loss;
    }, vars);
    if (s === 0) phase("step 1: backward");
    losses.push(value.dataSync()[0]);
    const byName = {};
    for (const [k, g] of Object.entries(grads)) byName[nameOf.get(k)] = g;
    adam.update(byName, 3e-4);
    tf.dispose([value, ...Object.values(grads)]);
    seconds.push((performance.now() - started) / 1000);
    if (s === 0) phase("step 1: AdamW update");
  }
  phase(`steps 2…${values.steps}`);
  // the first step warms up (XNNPACK operators, heap growth): the mean is over the others
  const rest = seconds.length > 1 ? seconds.slice(1) : seconds;
  const stepSeconds = rest.reduce((a, b) => a + b, 0) / rest.length;
  console.log(JSON.stringify({
    parameters: llamaParameterCount(CONFIG),
    adapterParameters: vars.reduce((n, v) => n + v.size, 0),
    float32WeightsMb: (llamaParameterCount(CONFIG) * 4) / 1024 ** 2,
    peakRssAfterLoadMb: afterLoad,
    peakRssMb: peakRssMb(),
    wasmTensorMb: tf.memory().numBytes / 1024 ** 2,
    // the wasm heap only grows: its size is the high-water mark of tfjs' allocations
    wasmHeapMb: (tf.backend().wasm?.HEAPU8?.length ?? 0) / 1024 ** 2,
    loadSeconds,
    stepSeconds,
    time,
    losses,
    phases,
  }));
} else {
  const self = fileURLToPath(import.meta.url);
  const dir = mkdtempSync(join(tmpdir(), "ual-lora-bench-"));
  const run = (args) => {
    const r = spawnSync(process.execPath, [self, ...args], { encoding: "utf8", maxBuffer: 1 << 24 });
    if (r.status !== 0) throw new Error(`${args.join(" ")} failed:\n${r.stderr}`);
    return r.stdout;
  };
  try {
    let started = performance.now();
    run(["--make", dir]);
    console.log(`wrote a random BF16 checkpoint (${(statSync(join(dir, "model.safetensors")).size / 1024 ** 2).toFixed(0)} MiB) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    const line = run(["--train", dir, "--steps", values.steps, "--time", values.time]).trim().split("\n").pop();
    const r = JSON.parse(line);
    console.log(
      `LoRA fine-tuning, ${(r.parameters / 1e6).toFixed(1)}M parameters (${r.adapterParameters} trainable), 1 × ${r.time} tokens, wasm:\n` +
        `  float32 weights:        ${r.float32WeightsMb.toFixed(0)} MiB\n` +
        `  peak RSS after loading: ${r.peakRssAfterLoadMb.toFixed(0)} MiB (load ${r.loadSeconds.toFixed(1)} s)\n` +
        `  peak RSS after ${r.losses.length} steps: ${r.peakRssMb.toFixed(0)} MiB (${r.stepSeconds.toFixed(2)} s/step after the first; losses ${r.losses.map((l) => l.toFixed(3)).join(", ")})\n` +
        `  tfjs tensors at the end: ${r.wasmTensorMb.toFixed(0)} MiB; wasm heap: ${r.wasmHeapMb.toFixed(0)} MiB\n` +
        `  phase                    RSS  peak RSS  wasm heap  tensors (tf)  buffers alive  most alive  (MiB)\n` +
        r.phases.map((p) => `  ${p.name.padEnd(22)} ${[p.rssMb, p.peakRssMb, p.heapMb, p.tensorMb, p.liveMb, p.mostMb].map((x, i) => x.toFixed(0).padStart([5, 9, 10, 13, 14, 11][i])).join(" ")}`).join("\n"),
    );
  } finally {
    if (!values.keep) rmSync(dir, { recursive: true, force: true });
    else console.log(`kept ${dir}`);
  }
}

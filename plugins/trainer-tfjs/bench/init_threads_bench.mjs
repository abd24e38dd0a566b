// Data-parallel training of a pretrained (`init`) model: tokens/s on 1 and 2 threads, for a small
// Llama-family and GPT-2 model written as Hugging Face folders, fully trained and with LoRA.
//
//   node plugins/trainer-tfjs/bench/init_threads_bench.mjs [--steps 6] [--rounds 2]
//
// Run after `npm run build`. Every measurement is a fresh process (its own peak RSS: each thread
// holds its own copy of the model), and the 1- and 2-thread runs alternate for `rounds` rounds so
// that a machine shared with other work slows both alike; the rate is the median over the steps
// after the first (which grows the heap and packs XNNPACK operators).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: { steps: { type: "string", default: "6" }, rounds: { type: "string", default: "2" }, child: { type: "string" } },
});
const LLAMA = { vocabSize: 259, dModel: 256, ffnDim: 688, layers: 4, heads: 8, kvHeads: 4, contextLength: 128, tieWordEmbeddings: true };
const GPT2 = { vocabSize: 259, contextLength: 128, dModel: 256, layers: 4, heads: 8 };
const BATCH = 8;

if (values.child !== undefined) {
  // one training run: prints {tokensPerSecond, peakRssMb}
  const cfg = JSON.parse(values.child);
  const { usePlugin, createLogger } = await import("@ual/core");
  const { plugin } = await import("@ual/trainer-tfjs");
  const dir = mkdtempSync(join(tmpdir(), "ual-init-bench-"));
  let x = 12345;
  const text = (n) => Array.from({ length: n }, () => String.fromCharCode(32 + ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) % 95))).join("");
  const samples = Array.from({ length: BATCH * cfg.steps }, (_, i) => ({ id: `b${i}`, turns: [{ role: "user", content: text(16) }, { role: "assistant", content: text(200) }], metadata: {} }));
  const trainer = await usePlugin(
    plugin,
    {
      backend: "wasm",
      init: cfg.init,
      ...(cfg.lora ? { lora: {} } : {}),
      template: "ual",
      maskPrompt: false,
      maxLength: 128,
      batchSize: BATCH,
      maxSteps: cfg.steps,
      threads: cfg.threads,
      checkpointEvery: 1e9,
    },
    { runDir: dir, seed: 1, logger: createLogger(() => {}) },
  );
  const rates = [];
  const source = () => (async function* () { yield* samples; })();
  for await (const e of trainer.train({ samples: source }, { signal: new AbortController().signal })) if (e.type === "train.step") rates.push(e.tokensPerSecond);
  rmSync(dir, { recursive: true, force: true });
  const rest = rates.slice(1).sort((a, b) => a - b);
  const peak = Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync("/proc/self/status", "utf8"))[1]) / 1024;
  console.log(JSON.stringify({ tokensPerSecond: rest[Math.floor(rest.length / 2)], peakRssMb: peak }));
} else {
  const { createGpt2, createLlama, saveHfModel } = await import("@ual/models");
  const { selectBackend } = await import("@ual/nn");
  await selectBackend("wasm");
  const root = mkdtempSync(join(tmpdir(), "ual-init-models-"));
  const folders = { llama: join(root, "llama"), gpt2: join(root, "gpt2") };
  const llama = createLlama(LLAMA, { seed: 1 });
  await saveHfModel({ family: "llama", model: llama }, folders.llama);
  llama.dispose();
  const gpt2 = createGpt2(GPT2, { seed: 1 });
  await saveHfModel({ family: "gpt2", model: gpt2 }, folders.gpt2);
  gpt2.dispose();
  const self = fileURLToPath(import.meta.url);
  const run = (cfg) => {
    const r = spawnSync(process.execPath, [self, "--child", JSON.stringify(cfg)], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`${JSON.stringify(cfg)} failed:\n${r.stderr}`);
    return JSON.parse(r.stdout.trim().split("\n").pop());
  };
  try {
    console.log(`batch ${BATCH} × 128 tokens, wasm; Llama d 256 / 4 layers / GQA 8:4, GPT-2 d 256 / 4 layers (vocabulary 259); median tokens/s of steps 2…${values.steps}`);
    console.log("model      training   1 thread tok/s  2 threads tok/s  2/1    peak RSS 1 / 2 threads (MiB)");
    for (const family of ["llama", "gpt2"]) {
      for (const lora of [false, true]) {
        const one = [];
        const two = [];
        for (let r = 0; r < Number(values.rounds); r++) {
          one.push(run({ init: folders[family], lora, threads: 1, steps: Number(values.steps) }));
          two.push(run({ init: folders[family], lora, threads: 2, steps: Number(values.steps) }));
        }
        const mean = (xs, k) => xs.reduce((a, b) => a + b[k], 0) / xs.length;
        const [a, b] = [mean(one, "tokensPerSecond"), mean(two, "tokensPerSecond")];
        console.log(
          `${family.padEnd(10)} ${(lora ? "LoRA" : "full").padEnd(10)} ${a.toFixed(0).padStart(14)} ${b.toFixed(0).padStart(16)}  ${(b / a).toFixed(2)}   ${mean(one, "peakRssMb").toFixed(0)} / ${mean(two, "peakRssMb").toFixed(0)}`,
        );
      }
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

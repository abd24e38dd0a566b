#!/usr/bin/env node
// trainer-torch vs trainer-tfjs: tokens/s on the same config, one run each, on this machine.
//   npm run bench:torch        (builds what it needs, then runs this)
// The model is a random Llama folder (d 256, 4 layers, GQA 8/4 heads, byte vocabulary) written
// here; LoRA r 8 on q/v, batch 8, 12 steps of 8 samples of ~200 tokens; tokens/s is the median
// of the steps after the first two (warm-up: allocation, wasm compilation, torch's first passes).
import { execFileSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger, usePlugin } from "@ual/core";
import { plugin as tfjs } from "@ual/trainer-tfjs";
import { plugin as torch } from "@ual/trainer-torch";

const PYTHON = process.env.UAL_TORCH_PYTHON ?? "/usr/bin/python3";
const folder = mkdtempSync(join(tmpdir(), "ual-bench-llama-"));
execFileSync(PYTHON, ["-c", `
import json, struct, sys, numpy as np
d, f, v, L, h, kv, n = 256, 688, 259, 4, 8, 4, 512
dh = d // h
rng = np.random.default_rng(0)
w = [("model.embed_tokens.weight", (v, d))]
for i in range(L):
    p = f"model.layers.{i}."
    w += [(p+"input_layernorm.weight",(d,)),(p+"self_attn.q_proj.weight",(d,d)),(p+"self_attn.k_proj.weight",(kv*dh,d)),
          (p+"self_attn.v_proj.weight",(kv*dh,d)),(p+"self_attn.o_proj.weight",(d,d)),(p+"post_attention_layernorm.weight",(d,)),
          (p+"mlp.gate_proj.weight",(f,d)),(p+"mlp.up_proj.weight",(f,d)),(p+"mlp.down_proj.weight",(d,f))]
w += [("model.norm.weight",(d,))]
header, chunks, off = {}, [], 0
for name, shape in w:
    a = np.ones(shape) if "norm" in name else rng.standard_normal(shape) * 0.02
    raw = a.astype("<f4").tobytes()
    header[name] = {"dtype": "F32", "shape": list(shape), "data_offsets": [off, off + len(raw)]}
    chunks.append(raw); off += len(raw)
text = json.dumps(header).encode(); text += b" " * (-len(text) % 8)
with open(sys.argv[1] + "/model.safetensors", "wb") as fh:
    fh.write(struct.pack("<Q", len(text))); fh.write(text); [fh.write(c) for c in chunks]
json.dump({"architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": v, "hidden_size": d, "intermediate_size": f,
           "num_hidden_layers": L, "num_attention_heads": h, "num_key_value_heads": kv, "max_position_embeddings": n,
           "rms_norm_eps": 1e-6, "rope_theta": 10000.0, "tie_word_embeddings": True, "hidden_act": "silu"}, open(sys.argv[1] + "/config.json", "w"))
`, folder]);

const samples = Array.from({ length: 96 }, (_, i) => ({
  id: `b${i}`,
  turns: [
    { role: "user", content: `Question ${i}: ${"tell me something about the number ".repeat(2 + (i % 3))}${i}?` },
    { role: "assistant", content: `${"It is a number, and numbers are fine. ".repeat(3 + (i % 2))}${i}.` },
  ],
  metadata: {},
}));
const input = { samples: () => (async function* () { yield* samples; })() };
const common = { init: folder, lora: { r: 8, alpha: 16, dropout: 0.1 }, batchSize: 8, maxSteps: 12, lr: 1e-3, checkpointEvery: 1000, maskPrompt: false };

async function measure(name, plugin, options) {
  const logger = createLogger(() => {});
  const trainer = await usePlugin(plugin, { ...common, ...options }, { runDir: mkdtempSync(join(tmpdir(), "ual-bench-")), seed: 1, logger });
  const rates = [];
  const started = performance.now();
  for await (const e of trainer.train(input, { signal: new AbortController().signal })) if (e.type === "train.step") rates.push(e.tokensPerSecond);
  const wall = (performance.now() - started) / 1000;
  const steady = rates.slice(2).sort((a, b) => a - b);
  return { name, tokensPerSecond: steady[Math.floor(steady.length / 2)], wall };
}

let cpu = "unknown";
try {
  cpu = /Model name:\s*(.+)/.exec(execFileSync("lscpu", { encoding: "utf8" }))?.[1]?.trim() ?? cpu;
} catch {}
const cores = availableParallelism();
const rows = [
  await measure(`trainer-tfjs (wasm, threads auto)`, tfjs, { backend: "auto", threads: "auto" }),
  await measure(`trainer-torch (1 process × ${cores} threads)`, torch, { nprocPerNode: 1, threadsPerProcess: cores, python: PYTHON }),
  await measure(`trainer-torch (${cores} processes × 1 thread)`, torch, { nprocPerNode: cores, threadsPerProcess: 1, python: PYTHON }),
];
console.log(`CPU: ${cpu} (${cores} cores available)`);
console.log(`config: Llama d 256, 4 layers, LoRA r 8 q/v, batch 8, 12 steps, ~${Math.round(samples.reduce((s, x) => s + x.turns.map((t) => t.content).join("").length, 0) / samples.length)} bytes per sample (byte tokens)`);
console.log(`| trainer | tokens/s (median, steps 3-12) | wall s (incl. start-up) | vs tfjs |`);
console.log(`|---|---|---|---|`);
for (const r of rows) console.log(`| ${r.name} | ${r.tokensPerSecond.toFixed(0)} | ${r.wall.toFixed(1)} | ${(r.tokensPerSecond / rows[0].tokensPerSecond).toFixed(2)}× |`);

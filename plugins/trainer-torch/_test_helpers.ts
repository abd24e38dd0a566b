import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createLogger, type EventDraft, type Sample, type TrainInput, type Trainer, usePlugin } from "@ual/core";
import { plugin } from "./plugin.ts";

/** Debian's interpreter, which the CI installs python3-torch for. */
export const PYTHON = "/usr/bin/python3";

/** Whether `PYTHON` imports torch (the tests that start processes skip visibly without it). */
export const HAS_TORCH = (() => {
  try {
    execFileSync(PYTHON, ["-c", "import torch, numpy"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();

export const TINY_LLAMA = fileURLToPath(new URL("../../examples/models/tiny-llama", import.meta.url));

/** `count` short arithmetic dialogues with ids `s0`, `s1`, …. */
export function arithmetic(count: number): Sample[] {
  return Array.from({ length: count }, (_, i) => {
    const a = (i * 7) % 13;
    const b = (i * 5) % 11;
    return {
      id: `s${i}`,
      turns: [
        { role: "user", content: `${a}+${b}${i % 3 === 0 ? " please" : ""}?` },
        { role: "assistant", content: `${a + b}${i % 2 === 0 ? "." : ""}` },
      ],
      metadata: {},
    };
  });
}

/** A re-readable sample source over an array. */
export function samplesOf(samples: readonly Sample[]): TrainInput["samples"] {
  return () =>
    (async function* () {
      yield* samples;
    })();
}

export function tempDir(prefix = "ual-torch-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * A random GPT-2 folder (byte vocabulary, 2 layers, d 32) in Hugging Face layout, written by
 * numpy's own bytes (the format's layout: 8-byte header length, JSON header, data).
 */
export function makeTinyGpt2(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const script = `
import json, struct, sys, numpy as np
d, v, L, n = 32, 259, 2, 128
rng = np.random.default_rng(5)
w = [("wte.weight", (v, d)), ("wpe.weight", (n, d))]
for i in range(L):
    p = f"h.{i}."
    w += [(p+"ln_1.weight",(d,)),(p+"ln_1.bias",(d,)),(p+"attn.c_attn.weight",(d,3*d)),(p+"attn.c_attn.bias",(3*d,)),
          (p+"attn.c_proj.weight",(d,d)),(p+"attn.c_proj.bias",(d,)),(p+"ln_2.weight",(d,)),(p+"ln_2.bias",(d,)),
          (p+"mlp.c_fc.weight",(d,4*d)),(p+"mlp.c_fc.bias",(4*d,)),(p+"mlp.c_proj.weight",(4*d,d)),(p+"mlp.c_proj.bias",(d,))]
w += [("ln_f.weight",(d,)),("ln_f.bias",(d,))]
header, chunks, off = {}, [], 0
for name, shape in w:
    a = (1 + rng.standard_normal(shape) * 0.05) if name.endswith("ln_1.weight") or name.endswith("ln_2.weight") or name == "ln_f.weight" else rng.standard_normal(shape) * 0.1
    raw = a.astype("<f4").tobytes()
    header[name] = {"dtype": "F32", "shape": list(shape), "data_offsets": [off, off + len(raw)]}
    chunks.append(raw); off += len(raw)
text = json.dumps(header).encode(); text += b" " * (-len(text) % 8)
with open(sys.argv[1] + "/model.safetensors", "wb") as f:
    f.write(struct.pack("<Q", len(text))); f.write(text); [f.write(c) for c in chunks]
json.dump({"architectures": ["GPT2LMHeadModel"], "model_type": "gpt2", "vocab_size": v, "n_positions": n, "n_embd": d,
           "n_layer": L, "n_head": 4, "layer_norm_epsilon": 1e-5, "activation_function": "gelu_new", "tie_word_embeddings": True},
          open(sys.argv[1] + "/config.json", "w"))
`;
  execFileSync(PYTHON, ["-c", script, dir]);
  return dir;
}

/** The torch trainer with `options` (python fixed to Debian's), and its log lines. */
export async function makeTorchTrainer(options: Record<string, unknown>, context: { runDir: string; seed?: number }): Promise<{ trainer: Trainer; logs: string[] }> {
  const logs: string[] = [];
  const logger = createLogger((level, message) => logs.push(`${level}: ${message}`));
  const trainer = await usePlugin(plugin, { python: PYTHON, ...options }, { runDir: context.runDir, seed: context.seed ?? 7, logger });
  return { trainer, logs };
}

/** Runs `train` to the end (or until `stopAfter` says so, then aborts) and returns its events. */
export async function drain(trainer: Trainer, input: TrainInput, stopAfter?: (event: EventDraft) => boolean): Promise<EventDraft[]> {
  const controller = new AbortController();
  const events: EventDraft[] = [];
  for await (const event of trainer.train(input, { signal: controller.signal }) as AsyncIterable<EventDraft>) {
    events.push(event);
    if (stopAfter?.(event) && !controller.signal.aborted) controller.abort();
  }
  return events;
}

export function losses(events: readonly EventDraft[]): number[] {
  return events.flatMap((e) => (e.type === "train.step" ? [e.loss] : []));
}

export function writeJsonl(path: string, rows: readonly unknown[]): void {
  writeFileSync(path, rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
}

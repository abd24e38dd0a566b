import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs-core";
import { createLogger, type EventDraft, type Sample, type Trainer, usePlugin } from "@ual/core";
import { type CausalLmLike, chatPrompt, generate, loadHfModel, loadTrainedModel } from "@ual/models";
import { selectBackend } from "@ual/nn";
import { plugin as trainerPlugin } from "@ual/trainer-tfjs";
import { beforeAll, describe, expect, it } from "vitest";

// Every kind of checkpoint @ual/trainer-tfjs writes, made by the trainer itself, then loaded the
// way the evaluators load them: from scratch (GPT-2), a full fine-tune of a Hugging Face folder,
// and LoRA adapters over it. The bundled random tiny Llama (GQA, byte vocabulary) is the HF folder.
const tinyLlama = fileURLToPath(new URL("../examples/models/tiny-llama", import.meta.url));

const samples: Sample[] = Array.from({ length: 8 }, (_, i) => ({
  id: `s${i}`,
  turns: [
    { role: "user", content: `${i}+${i}?` },
    { role: "assistant", content: `${2 * i}` },
  ],
  metadata: {},
}));

/** Trains for two steps and returns the last checkpoint's directory. */
async function checkpointOf(options: Record<string, unknown>): Promise<string> {
  const runDir = mkdtempSync(join(tmpdir(), "ual-checkpoints-"));
  const trainer = (await usePlugin(trainerPlugin, { backend: "wasm", maxSteps: 2, batchSize: 4, lr: 0.01, maxLength: 48, ...options }, { runDir, seed: 3, logger: createLogger(() => {}) })) as Trainer;
  const events: EventDraft[] = [];
  const input = { samples: () => (async function* () { yield* samples; })() };
  for await (const event of trainer.train(input, { signal: new AbortController().signal }) as AsyncIterable<EventDraft>) events.push(event);
  const last = events.filter((e) => e.type === "checkpoint").at(-1) as { path: string } | undefined;
  if (last === undefined) throw new Error("the trainer wrote no checkpoint");
  return last.path;
}

/** The last-position logits of one prompt. */
function lastLogits(model: CausalLmLike, ids: number[]): Float32Array {
  return tf.tidy(() => model.logits(tf.tensor2d([ids], [1, ids.length], "int32")).dataSync().slice((ids.length - 1) * model.config.vocabSize) as Float32Array);
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  return a.reduce((worst, x, i) => Math.max(worst, Math.abs(x - (b[i] as number))), 0);
}

describe("loadTrainedModel() on the trainer's checkpoints", () => {
  beforeAll(() => selectBackend("wasm"));

  const cases = [
    ["a GPT-2 trained from scratch", { model: { preset: "tiny", dModel: 32, layers: 2, heads: 2, contextLength: 64 } }, "gpt2"],
    ["a full fine-tune of a Hugging Face Llama", { init: tinyLlama }, "llama"],
    ["LoRA adapters on a Hugging Face Llama", { init: tinyLlama, lora: { r: 4, alpha: 8, dropout: 0 } }, "llama"],
  ] as const;

  for (const [what, options, family] of cases) {
    it(`loadTrainedModel() loads ${what} and generates with it`, async () => {
      const dir = await checkpointOf(options);
      const trained = await loadTrainedModel(dir);
      try {
        expect(trained.model.family).toBe(family);
        expect(trained).toMatchObject({ template: { kind: "template", name: "ual" }, maxLength: 48 });
        expect(trained.tokenizer.name).toBe("byte");
        const prompts = ["1+1?", "7+7?"].map((q) => chatPrompt(q, trained.tokenizer, trained.template));
        const out = generate(trained.model, trained.tokenizer, prompts, { maxNewTokens: 6 });
        expect(out).toHaveLength(2);
        for (const g of out) expect(g.tokens.length + (g.finishReason === "eos" ? 1 : 0)).toBeGreaterThan(0);
        expect(out.map((g) => g.tokens)).toEqual(generate(trained.model, trained.tokenizer, prompts, { maxNewTokens: 6, cache: false }).map((g) => g.tokens));
        if (family === "llama") {
          // the checkpoint's weights, not the base's: two steps at lr 0.01 move the logits
          const base = await loadHfModel(tinyLlama);
          expect(maxAbsDiff(lastLogits(trained.model, prompts[0]!), lastLogits(base.model, prompts[0]!))).toBeGreaterThan(1e-4);
          base.model.dispose();
        }
      } finally {
        trained.model.dispose();
      }
    });
  }
});

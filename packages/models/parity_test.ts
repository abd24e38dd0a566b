import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs-core";
import { loadBlas } from "@ual/blas";
import { selectBackend } from "@ual/nn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { gpt2Step } from "./_gpt2_step.ts";
import { attachLora } from "./attach_lora.ts";
import { causalLm } from "./causal_lm.ts";
import type { Gpt2Model } from "./create_gpt2.ts";
import type { LlamaModel } from "./create_llama.ts";
import { loadAdaptedModel } from "./load_adapted_model.ts";
import { loadHfModel } from "./load_hf_model.ts";
import { loadLoraAdapters, readLoraConfig } from "./load_lora_adapters.ts";

// Checkpoints and logits written by fixtures/make_parity_fixtures.py and make_gpt2_lora_fixture.py:
// numpy-written safetensors, a float64 PyTorch forward pass written from the architecture papers,
// not from our code.
const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/parity/${name}`, import.meta.url));

interface Expected {
  sequences: number[][];
  logits: number[][][];
}

function worstError(model: { logits(ids: tf.Tensor2D): tf.Tensor3D }, expected: Expected): number {
  const { sequences } = expected;
  const ids = tf.tensor2d(sequences.flat(), [sequences.length, sequences[0]!.length], "int32");
  const logits = model.logits(ids);
  const ours = logits.dataSync();
  let worst = 0;
  expected.logits.flat(2).forEach((want, i) => (worst = Math.max(worst, Math.abs(ours[i]! - want))));
  tf.dispose([ids, logits]);
  return worst;
}

const cases = [
  ["gpt2", "GPT-2, F32, official unprefixed names"],
  ["gpt2_lora_base", "GPT-2, F32, transformer.-prefixed names"],
  ["llama", "Llama with grouped-query attention and rope_theta 5e5, F32"],
  ["qwen2_bf16_sharded", "Qwen2 (q/k/v biases, tied head), BF16 in two shards"],
  ["llama31", "Llama 3.1's RoPE scaling (rope_scaling llama3: one frequency kept, one interpolated, two divided), F32"],
] as const;

// wasm with its matmuls on every native path this machine has — the default (a system BLAS where
// one is found), then each of @ual/blas's own kernel sets (AVX-512, AVX2+FMA, the baseline) — and
// on its own XNNPACK kernels; and the cpu backend.
const load = loadBlas();
const blas = load.status === "loaded" ? load.blas : undefined;
const defaultPath = blas?.info().kernels === "system" ? "system" : blas?.info().ownKernels;
const ownPaths = (blas?.kernelPaths() ?? []).filter((path) => path !== "system" && path !== defaultPath);
const backends = ["wasm", ...ownPaths.map((path) => `wasm-own-${path}`), "wasm-xnnpack", "cpu"];

for (const backend of backends) {
  describe(`loadHfModel() logits parity on ${backend}`, () => {
    beforeAll(async () => {
      if (backend === "wasm-xnnpack") return selectBackend("wasm", { nativeBlas: false });
      if (backend === "cpu") return selectBackend("cpu");
      const selected = await selectBackend("wasm");
      if (backend.startsWith("wasm-own-")) {
        expect(blas!.useKernels(backend.slice("wasm-own-".length))).toBe(true);
        expect(blas!.info().matmuls).toMatch(/^own /);
      }
      return selected;
    });
    // back to the default path for the next block
    afterAll(() => void (backend.startsWith("wasm-own-") && defaultPath !== undefined && blas!.useKernels(defaultPath)));

    for (const [name, what] of cases) {
      it(`loadHfModel() reproduces the PyTorch reference logits to 1e-4: ${what}`, async () => {
        const expected = JSON.parse(readFileSync(`${fixture(name)}/expected_logits.json`, "utf8")) as Expected;
        const loaded = await loadHfModel(fixture(name));
        expect(worstError(loaded.model, expected)).toBeLessThan(1e-4);
        loaded.model.dispose();
      });
    }

    it("the incremental step (KV cache, RoPE at explicit positions) gives Llama 3.1's scaled-RoPE reference logits too", async () => {
      const expected = JSON.parse(readFileSync(`${fixture("llama31")}/expected_logits.json`, "utf8")) as Expected;
      const lm = causalLm((await loadHfModel(fixture("llama31"), { trainable: false })).model);
      const stepped = (ids: tf.Tensor2D) => lm.step(ids, Int32Array.from({ length: ids.size }, (_, i) => i % ids.shape[1]), ids.arraySync().map((row) => new Uint8Array(row.length).fill(1)), undefined).logits;
      expect(worstError({ logits: stepped }, expected)).toBeLessThan(1e-4);
      lm.dispose();
    });

    it("loadLoraAdapters() reads a numpy-written PEFT adapter: adapted and merged logits match the reference to 1e-4", async () => {
      const expected = JSON.parse(readFileSync(`${fixture("llama_lora")}/expected_logits.json`, "utf8")) as Expected;
      const loaded = await loadHfModel(fixture("llama"), { trainable: false });
      const model = loaded.model as LlamaModel;
      const lora = attachLora(model, await readLoraConfig(fixture("llama_lora")));
      await loadLoraAdapters(lora, fixture("llama_lora"));
      lora.setTraining(false);
      expect(worstError(model, expected)).toBeLessThan(1e-4);
      lora.merge();
      expect(worstError(model, expected)).toBeLessThan(1e-4);
      model.dispose();
      // the same through adapter_config.json's base_model_name_or_path ("../llama")
      const adapted = await loadAdaptedModel(fixture("llama_lora"));
      expect(worstError(adapted.model, expected)).toBeLessThan(1e-4);
      adapted.model.dispose();
    });

    it("loadLoraAdapters() reads a numpy-written PEFT GPT-2 adapter (Conv1D, fan_in_fan_out): adapted, stepped and merged logits match the reference to 1e-4", async () => {
      const expected = JSON.parse(readFileSync(`${fixture("gpt2_lora")}/expected_logits.json`, "utf8")) as Expected;
      const loaded = await loadHfModel(fixture("gpt2_lora_base"), { trainable: false });
      const model = loaded.model as Gpt2Model;
      const lora = attachLora(model, await readLoraConfig(fixture("gpt2_lora")));
      expect(lora.variables.size).toBe(12); // c_attn, attn.c_proj, mlp.c_proj × 2 blocks
      await loadLoraAdapters(lora, fixture("gpt2_lora"));
      lora.setTraining(false);
      const errors: Record<string, number> = { adapted: worstError(model, expected) };
      // the incremental inference forward, unmerged
      errors.stepped = worstError({ logits: (ids) => gpt2Step(model, ids, Int32Array.from({ length: ids.size }, (_, i) => i % ids.shape[1]), ids.arraySync().map((row) => new Uint8Array(row.length).fill(1)), undefined).logits }, expected);
      lora.merge();
      errors.merged = worstError(model, expected);
      model.dispose();
      const adapted = await loadAdaptedModel(fixture("gpt2_lora"));
      expect(adapted.family).toBe("gpt2");
      errors.loadAdaptedModel = worstError(adapted.model, expected);
      adapted.model.dispose();
      for (const error of Object.values(errors)) expect(error).toBeLessThan(1e-4);
    });
  });
}

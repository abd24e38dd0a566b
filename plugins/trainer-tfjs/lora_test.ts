import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import type { EventDraft } from "@ual/core";
import { createGpt2, createLlama, loadAdaptedModel, loadHfModel, saveHfModel } from "@ual/models";
import { selectBackend } from "@ual/nn";
import { readSafetensors, readSafetensorsHeader } from "@ual/safetensors";
import { beforeAll, describe, expect, it } from "vitest";
import { arithmetic, drain, losses, makeTrainer, runDir, samplesOf } from "./_test_helpers.ts";

const input = { samples: samplesOf(arithmetic(16)) };
let base = "";

describe("@ual/trainer-tfjs with init and lora", () => {
  beforeAll(async () => {
    await selectBackend("wasm");
    // a tiny pretrained-format Llama (GQA, tied head) over the byte tokenizer's 259 ids
    base = join(runDir(), "tiny-llama");
    const model = createLlama({ vocabSize: 259, dModel: 32, ffnDim: 64, layers: 2, heads: 4, kvHeads: 2, contextLength: 64, tieWordEmbeddings: true }, { seed: 5 });
    await saveHfModel({ family: "llama", model }, base);
    model.dispose();
  });

  it("train() with lora trains only PEFT-named adapters and checkpoints them", async () => {
    const dir = runDir();
    const { trainer } = await makeTrainer({ backend: "wasm", init: base, lora: {}, maxSteps: 12, batchSize: 4, lr: 1e-2 }, { runDir: dir });
    const events = await drain(trainer, input);
    const l = losses(events);
    expect(l).toHaveLength(12);
    expect((l[9]! + l[10]! + l[11]!) / 3).toBeLessThan((l[0]! + l[1]! + l[2]!) / 3);
    const step = join(dir, "checkpoints", "step-000012");
    expect(readdirSync(step).sort()).toEqual(["adapter_config.json", "adapter_model.safetensors", "config.json", "optimizer.safetensors", "trainer_state.json"]);
    const adapters = Object.keys((await readSafetensorsHeader(join(step, "adapter_model.safetensors"))).tensors);
    expect(adapters).toHaveLength(8);
    expect(adapters).toContain("base_model.model.model.layers.1.self_attn.v_proj.lora_B.weight");
    // AdamW state only for the adapters: the frozen base has none
    expect(Object.keys((await readSafetensorsHeader(join(step, "optimizer.safetensors"))).tensors)).toHaveLength(16);
    expect(JSON.parse(readFileSync(join(step, "adapter_config.json"), "utf8"))).toMatchObject({ r: 8, lora_alpha: 16, lora_dropout: 0.1, target_modules: ["q_proj", "v_proj"] });
    expect(JSON.parse(readFileSync(join(step, "config.json"), "utf8"))).toMatchObject({ architectures: ["LlamaForCausalLM"], num_key_value_heads: 2 });
    // the checkpoint names its base (the init folder): it loads merged, for generation and evaluation
    const adapted = await loadAdaptedModel(step);
    expect(adapted.family).toBe("llama");
    adapted.model.dispose();
  });

  it("train() with maxSteps 0 trains nothing and hands the init folder to the evaluators", async () => {
    const dir = runDir();
    const { trainer, logs } = await makeTrainer({ backend: "wasm", init: base, lora: {}, maxSteps: 0 }, { runDir: dir });
    const events = await drain(trainer, input);
    expect(events.map((e) => e.type)).toEqual(["checkpoint"]);
    expect(events[0]).toMatchObject({ type: "checkpoint", step: 0, path: base });
    expect(readdirSync(dir)).not.toContain("checkpoints");
    expect(logs.some((l) => l.includes("maxSteps 0: no training"))).toBe(true);
  });

  it("maxSteps 0 without init is refused at validation, naming the option", async () => {
    await expect(makeTrainer({ backend: "wasm", maxSteps: 0 }, { runDir: runDir() })).rejects.toThrow(/maxSteps.*needs `init`/s);
  });

  it("train() with lora resumes from its adapters with the same losses", async () => {
    const options = { backend: "wasm", init: base, lora: { dropout: 0.1 }, maxSteps: 4, batchSize: 4, lr: 1e-2, checkpointEvery: 2 };
    const whole = losses(await drain((await makeTrainer(options, { runDir: runDir() })).trainer, input));
    const dir = runDir();
    await drain((await makeTrainer(options, { runDir: dir })).trainer, input, (e) => e.type === "checkpoint" && e.step === 2);
    const rest = losses(await drain((await makeTrainer(options, { runDir: dir })).trainer, input));
    expect(rest).toHaveLength(2);
    rest.forEach((loss, i) => expect(loss).toBeCloseTo(whole[i + 2]!, 5));
  });

  it("train() with lora on 2 threads gives the single thread's losses (dropout masks drawn per sample)", async () => {
    const run = async (threads: number, microBatchSize: number) => {
      const { trainer, logs } = await makeTrainer({ backend: "wasm", init: base, lora: { dropout: 0.1 }, maxSteps: 3, batchSize: 4, microBatchSize, threads }, { runDir: runDir() });
      return { losses: losses(await drain(trainer, input)), logs };
    };
    const one = await run(1, 4);
    const two = await run(2, 1);
    expect(two.logs.join("\n")).toContain("data parallel: 2 threads");
    expect(two.losses).toHaveLength(3);
    two.losses.forEach((loss, i) => expect(loss).toBeCloseTo(one.losses[i]!, 5));
  });

  it("train() refuses lora without an init model", async () => {
    const { trainer } = await makeTrainer({ backend: "cpu", lora: {}, maxSteps: 1 }, { runDir: runDir() });
    await expect(drain(trainer, input)).rejects.toThrow(/lora needs a pretrained model/);
  });
});

describe("@ual/trainer-tfjs with a GPT-2 init and lora", () => {
  let gpt2 = "";

  beforeAll(async () => {
    await selectBackend("wasm");
    // a tiny pretrained-format GPT-2 over the byte tokenizer's 259 ids
    gpt2 = join(runDir(), "tiny-gpt2");
    const model = createGpt2({ vocabSize: 259, contextLength: 64, dModel: 32, layers: 2, heads: 2 }, { seed: 6 });
    await saveHfModel({ family: "gpt2", model }, gpt2);
    model.dispose();
  });

  it("train() with lora on GPT-2 trains only c_attn adapters, saved with PEFT names and fan_in_fan_out", async () => {
    const dir = runDir();
    const { trainer } = await makeTrainer({ backend: "wasm", init: gpt2, lora: { r: 4 }, maxSteps: 8, batchSize: 4, lr: 1e-2 }, { runDir: dir });
    const counts: number[] = [];
    const events: EventDraft[] = [];
    for await (const event of trainer.train(input, { signal: new AbortController().signal }) as AsyncIterable<EventDraft>) {
      events.push(event);
      if (event.type === "train.step") counts.push(tf.memory().numTensors);
    }
    expect(losses(events)).toHaveLength(8);
    expect(counts.slice(1).every((c) => c === counts[1])).toBe(true);
    const step = join(dir, "checkpoints", "step-000008");
    expect(readdirSync(step).sort()).toEqual(["adapter_config.json", "adapter_model.safetensors", "config.json", "optimizer.safetensors", "trainer_state.json"]);
    const adapters = await readSafetensors(join(step, "adapter_model.safetensors"));
    expect([...adapters.keys()].sort()).toEqual(
      [0, 1].flatMap((i) => ["A", "B"].map((m) => `base_model.model.transformer.h.${i}.attn.c_attn.lora_${m}.weight`)).sort(),
    );
    expect(adapters.get("base_model.model.transformer.h.0.attn.c_attn.lora_B.weight")!.shape).toEqual([96, 4]);
    // B starts at 0: nonzero now means the adapters were trained
    expect(Math.max(...Array.from(adapters.get("base_model.model.transformer.h.1.attn.c_attn.lora_B.weight")!.data as Float32Array, Math.abs))).toBeGreaterThan(0);
    // AdamW state (m and v) for the 4 adapter tensors only: the frozen base has none
    expect(Object.keys((await readSafetensorsHeader(join(step, "optimizer.safetensors"))).tensors)).toHaveLength(8);
    expect(JSON.parse(readFileSync(join(step, "adapter_config.json"), "utf8"))).toMatchObject({ r: 4, lora_alpha: 16, target_modules: ["c_attn"], fan_in_fan_out: true, base_model_name_or_path: gpt2 });
    expect(JSON.parse(readFileSync(join(step, "config.json"), "utf8"))).toMatchObject({ architectures: ["GPT2LMHeadModel"] });
    // merged onto the base, only the c_attn weights differ from the init folder's
    const merged = await loadAdaptedModel(step);
    const base = await loadHfModel(gpt2);
    expect(merged.family).toBe("gpt2");
    for (const [name, v] of merged.model.variables) {
      const same = Array.from(v.dataSync()).every((x, i) => x === base.model.variables.get(name)!.dataSync()[i]);
      expect(same, name).toBe(!name.endsWith("attn.c_attn.weight"));
    }
    merged.model.dispose();
    base.model.dispose();
  });

  for (const lora of [undefined, { r: 4 }]) {
    it(`train() of a GPT-2 init model ${lora ? "with lora" : "fully"} on 2 threads gives the single thread's losses`, async () => {
      const run = async (threads: number) => {
        const { trainer, logs } = await makeTrainer({ backend: "wasm", init: gpt2, ...(lora ? { lora } : {}), maxSteps: 3, batchSize: 4, lr: 1e-2, threads }, { runDir: runDir() });
        return { losses: losses(await drain(trainer, input)), logs };
      };
      const one = await run(1);
      const two = await run(2);
      expect(two.logs.join("\n")).toContain("data parallel: 2 threads");
      two.losses.forEach((loss, i) => expect(loss).toBeCloseTo(one.losses[i]!, 5));
    });
  }

  it("train() with lora on GPT-2 resumes from its adapters with the same losses", async () => {
    // Also shows that the base stays as loaded: the resumed run reloads it from the init folder.
    const options = { backend: "wasm", init: gpt2, lora: { targets: ["c_attn", "attn.c_proj", "mlp.c_proj"] }, maxSteps: 4, batchSize: 4, lr: 1e-2, checkpointEvery: 2 };
    const whole = losses(await drain((await makeTrainer(options, { runDir: runDir() })).trainer, input));
    const dir = runDir();
    await drain((await makeTrainer(options, { runDir: dir })).trainer, input, (e) => e.type === "checkpoint" && e.step === 2);
    const rest = losses(await drain((await makeTrainer(options, { runDir: dir })).trainer, input));
    expect(rest).toHaveLength(2);
    rest.forEach((loss, i) => expect(loss).toBeCloseTo(whole[i + 2]!, 5));
    const config = JSON.parse(readFileSync(join(dir, "checkpoints", "step-000004", "adapter_config.json"), "utf8")) as { target_modules: string[] };
    expect(config.target_modules).toEqual(["c_attn", "attn.c_proj", "mlp.c_proj"]);
  });
});

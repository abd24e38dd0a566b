import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { createLlama, loadAdaptedModel, saveHfModel } from "@ual/models";
import { selectBackend } from "@ual/nn";
import { readSafetensorsHeader } from "@ual/safetensors";
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

  it("train() with lora resumes from its adapters with the same losses", async () => {
    const options = { backend: "wasm", init: base, lora: { dropout: 0.1 }, maxSteps: 4, batchSize: 4, lr: 1e-2, checkpointEvery: 2 };
    const whole = losses(await drain((await makeTrainer(options, { runDir: runDir() })).trainer, input));
    const dir = runDir();
    await drain((await makeTrainer(options, { runDir: dir })).trainer, input, (e) => e.type === "checkpoint" && e.step === 2);
    const rest = losses(await drain((await makeTrainer(options, { runDir: dir })).trainer, input));
    expect(rest).toHaveLength(2);
    rest.forEach((loss, i) => expect(loss).toBeCloseTo(whole[i + 2]!, 5));
  });

  it("train() refuses lora without an init model", async () => {
    const { trainer } = await makeTrainer({ backend: "cpu", lora: {}, maxSteps: 1 }, { runDir: runDir() });
    await expect(drain(trainer, input)).rejects.toThrow(/lora needs a pretrained model/);
  });
});

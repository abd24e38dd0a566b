import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { selectBackend } from "@ual/nn";
import { readSafetensorsHeader } from "@ual/safetensors";
import { beforeAll, describe, expect, it } from "vitest";
import { attachLora } from "./attach_lora.ts";
import { createLlama } from "./create_llama.ts";
import { loadLoraAdapters, readLoraConfig } from "./load_lora_adapters.ts";
import { saveLoraAdapters } from "./save_lora_adapters.ts";

const config = { vocabSize: 17, dModel: 16, ffnDim: 24, layers: 2, heads: 4, kvHeads: 2, contextLength: 8 };
const ids = () => tf.tensor2d([[1, 2, 3, 4, 5]], [1, 5], "int32");
const logitsOf = (model: ReturnType<typeof createLlama>) => tf.tidy(() => Array.from(model.logits(ids()).dataSync()));

function randomizeB(lora: ReturnType<typeof attachLora>) {
  for (const [name, v] of lora.variables) if (name.endsWith("lora_B.weight")) v.assign(tf.randomNormal(v.shape, 0, 0.5, "float32", 7));
}

describe("attachLora()", () => {
  beforeAll(() => selectBackend("wasm"));

  it("attachLora() names adapters as PEFT, starts as the identity, and freezes the base weights", () => {
    const model = createLlama(config, { seed: 1 });
    const before = logitsOf(model);
    const lora = attachLora(model, { r: 4 });
    expect([...lora.variables.keys()].slice(0, 2)).toEqual([
      "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight",
      "base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight",
    ]);
    expect(lora.variables.size).toBe(8);
    expect(lora.variables.get("base_model.model.model.layers.1.self_attn.v_proj.lora_B.weight")!.shape).toEqual([8, 4]);
    // A ~ U(±1/√in), B = 0: the adapted model computes what the base does (dropout only scales the A path)
    const a = lora.variables.get("base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight")!.dataSync();
    expect(Math.max(...Array.from(a, Math.abs))).toBeLessThanOrEqual(1 / 4);
    logitsOf(model).forEach((x, i) => expect(x).toBeCloseTo(before[i]!, 5));
    const x = ids();
    const { grads, value } = tf.variableGrads(() => tf.mean(model.logits(x)) as tf.Scalar);
    expect(Object.keys(grads).length).toBe(8);
    tf.dispose([x, value, ...Object.values(grads)]);
    lora.dispose();
    model.dispose();
  });

  it("attachLora() adapter gradients through frozen weights equal those through trainable ones", () => {
    const model = createLlama({ ...config, tieWordEmbeddings: true }, { seed: 4 });
    const lora = attachLora(model, { dropout: 0 });
    randomizeB(lora);
    const x = ids();
    const adapterVars = [...lora.variables.values()];
    const gradsOf = () => {
      const { grads, value } = tf.variableGrads(() => tf.sum(tf.square(model.logits(x))) as tf.Scalar, adapterVars);
      const out = adapterVars.map((v) => Array.from(grads[v.name]!.dataSync()));
      tf.dispose([value, ...Object.values(grads)]);
      return out;
    };
    const frozen = gradsOf();
    for (const v of model.variables.values()) v.trainable = true; // the generic matmul path
    const plain = gradsOf();
    frozen.flat().forEach((g, i) => expect(g).toBeCloseTo(plain.flat()[i]!, 3));
    tf.dispose(x);
    lora.dispose();
    model.dispose();
  });

  it("attachLora() merge() folds (alpha/r)·B·A into the weights with the same logits", () => {
    const model = createLlama(config, { seed: 2 });
    const base = logitsOf(model);
    const lora = attachLora(model, { r: 4, alpha: 8, dropout: 0.1 });
    randomizeB(lora);
    lora.setTraining(false);
    const adapted = logitsOf(model);
    expect(Math.max(...adapted.map((x, i) => Math.abs(x - base[i]!)))).toBeGreaterThan(1e-3);
    lora.merge();
    logitsOf(model).forEach((x, i) => expect(x).toBeCloseTo(adapted[i]!, 4));
    model.dispose();
  });

  it("saveLoraAdapters() writes PEFT files that loadLoraAdapters() restores", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ual-lora-"));
    const model = createLlama(config, { seed: 3 });
    const lora = attachLora(model, { targets: ["q_proj", "v_proj", "down_proj"] });
    randomizeB(lora);
    lora.setTraining(false);
    const adapted = logitsOf(model);
    await saveLoraAdapters(lora, dir, { baseModel: "models/tiny" });
    const json = JSON.parse(readFileSync(join(dir, "adapter_config.json"), "utf8")) as Record<string, unknown>;
    expect(json).toMatchObject({ peft_type: "LORA", r: 8, lora_alpha: 16, lora_dropout: 0.1, target_modules: ["q_proj", "v_proj", "down_proj"], base_model_name_or_path: "models/tiny" });
    const header = await readSafetensorsHeader(join(dir, "adapter_model.safetensors"));
    expect(Object.keys(header.tensors)).toContain("base_model.model.model.layers.1.mlp.down_proj.lora_B.weight");
    lora.dispose();
    const again = attachLora(model, await readLoraConfig(dir), { seed: 99 });
    await loadLoraAdapters(again, dir);
    again.setTraining(false);
    logitsOf(model).forEach((x, i) => expect(x).toBeCloseTo(adapted[i]!, 5));
    again.dispose();
    model.dispose();
    rmSync(dir, { recursive: true });
  });
});

import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { selectBackend } from "@ual/nn";
import { readSafetensorsHeader } from "@ual/safetensors";
import { beforeAll, describe, expect, it } from "vitest";
import { gpt2Step } from "./_gpt2_step.ts";
import { attachLora } from "./attach_lora.ts";
import { createGpt2, type Gpt2Model } from "./create_gpt2.ts";
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

  it("attachLora() dropoutPerSequence() draws a sequence's masks from its seed alone, whatever its batch and padding", () => {
    const model = createLlama(config, { seed: 1 });
    const lora = attachLora(model, { r: 4, dropout: 0.5 });
    randomizeB(lora);
    const rows = (batch: number[][], seeds: number[]) =>
      tf.tidy(() => {
        lora.dropoutPerSequence(seeds);
        const time = batch[0]!.length;
        return Array.from(model.logits(tf.tensor2d(batch.flat(), [batch.length, time], "int32")).dataSync());
      });
    const v = config.vocabSize;
    const alone = rows([[1, 2, 3]], [11]);
    // the same sequence second in a batch, padded to 5 tokens: its first 3 positions keep their
    // values (up to float rounding of the larger products; another mask would move them by ~0.1)
    const shared = rows([[4, 5, 6, 7, 8], [1, 2, 3, 0, 0]], [12, 11]);
    shared.slice(5 * v, 8 * v).forEach((x, i) => expect(x).toBeCloseTo(alone[i]!, 6));
    // another seed draws other masks; the single stream is back after undefined
    expect(rows([[1, 2, 3]], [13])).not.toEqual(alone);
    lora.dropoutPerSequence(undefined);
    lora.reseedDropout(5);
    const stream = logitsOf(model);
    lora.reseedDropout(5);
    expect(logitsOf(model)).toEqual(stream);
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

  it("attachLora() setEnabled(false) gives the base model's logits, and true the adapted ones again", () => {
    const model = createLlama(config, { seed: 4 });
    const base = logitsOf(model);
    const lora = attachLora(model, { r: 4, alpha: 8, dropout: 0.1 });
    randomizeB(lora);
    lora.setTraining(false);
    const adapted = logitsOf(model);
    lora.setEnabled(false);
    expect(logitsOf(model)).toEqual(base);
    lora.setEnabled(true);
    expect(logitsOf(model)).toEqual(adapted);
    expect(Math.max(...adapted.map((x, i) => Math.abs(x - base[i]!)))).toBeGreaterThan(1e-3);
    lora.dispose();
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

const gpt2Config = { vocabSize: 19, contextLength: 8, dModel: 16, layers: 2, heads: 4 };
const gpt2Ids = () => tf.tensor2d([[1, 2, 3, 4, 5], [6, 7, 8, 9, 10]], [2, 5], "int32");
const gpt2Logits = (model: Gpt2Model) => tf.tidy(() => Array.from(model.logits(gpt2Ids()).dataSync()));
const worstGap = (a: readonly number[], b: readonly number[]) => Math.max(...a.map((x, i) => Math.abs(x - b[i]!)));

for (const backend of ["wasm", "cpu"] as const) {
  describe(`attachLora() on GPT-2 (${backend})`, () => {
    beforeAll(() => selectBackend(backend));

    it("attachLora() adapts c_attn by default with PEFT names and nn.Linear shapes, starting as the identity", () => {
      const model = createGpt2(gpt2Config, { seed: 1 });
      const before = gpt2Logits(model);
      const lora = attachLora(model, { r: 4 });
      expect(lora.family).toBe("gpt2");
      expect(lora.options.targets).toEqual(["c_attn"]);
      expect([...lora.variables.keys()]).toEqual([
        "base_model.model.transformer.h.0.attn.c_attn.lora_A.weight",
        "base_model.model.transformer.h.0.attn.c_attn.lora_B.weight",
        "base_model.model.transformer.h.1.attn.c_attn.lora_A.weight",
        "base_model.model.transformer.h.1.attn.c_attn.lora_B.weight",
      ]);
      // Conv1D W is [in 16, out 48]; lora_A [r, in], lora_B [out, r] as for nn.Linear (PEFT)
      expect(lora.variables.get("base_model.model.transformer.h.0.attn.c_attn.lora_A.weight")!.shape).toEqual([4, 16]);
      expect(lora.variables.get("base_model.model.transformer.h.0.attn.c_attn.lora_B.weight")!.shape).toEqual([48, 4]);
      expect(worstGap(gpt2Logits(model), before)).toBeLessThan(1e-5);
      // only the adapters are trainable: variableGrads' default is the trainable variables
      const x = gpt2Ids();
      const { grads, value } = tf.variableGrads(() => tf.mean(model.logits(x)) as tf.Scalar);
      expect(Object.keys(grads).sort()).toEqual([...lora.variables.values()].map((v) => v.name).sort());
      tf.dispose([x, value, ...Object.values(grads)]);
      lora.dispose();
      expect(worstGap(gpt2Logits(model), before)).toBe(0);
      model.dispose();
    });

    it("attachLora() on GPT-2: unmerged logits (forward and incremental step) equal the merged ones, c_proj adapting both projections", () => {
      const model = createGpt2(gpt2Config, { seed: 2 });
      const base = gpt2Logits(model);
      const lora = attachLora(model, { r: 4, alpha: 12, targets: ["c_attn", "c_proj"] });
      expect(lora.variables.size).toBe(12); // c_attn, attn.c_proj and mlp.c_proj in 2 blocks
      expect(lora.variables.get("base_model.model.transformer.h.1.mlp.c_proj.lora_A.weight")!.shape).toEqual([4, 64]);
      randomizeB(lora);
      lora.setTraining(false);
      const adapted = gpt2Logits(model);
      expect(worstGap(adapted, base)).toBeGreaterThan(1e-2);
      // the inference path (KV-cache step) goes through the same hook
      const stepped = tf.tidy(() => {
        const out = gpt2Step(model, gpt2Ids(), Int32Array.from({ length: 10 }, (_, i) => i % 5), [new Uint8Array(5).fill(1), new Uint8Array(5).fill(1)], undefined);
        return Array.from(out.logits.dataSync());
      });
      expect(worstGap(stepped, adapted)).toBeLessThan(1e-4);
      lora.merge();
      expect(lora.variables.size).toBe(0);
      expect(worstGap(gpt2Logits(model), adapted)).toBeLessThan(1e-4);
      model.dispose();
    });

    it("attachLora() on GPT-2: adapter gradients through frozen Conv1D weights equal those through trainable ones", () => {
      const model = createGpt2(gpt2Config, { seed: 4 });
      const lora = attachLora(model, { dropout: 0, targets: ["c_attn", "mlp.c_fc"] });
      randomizeB(lora);
      const x = gpt2Ids();
      const adapterVars = [...lora.variables.values()];
      const gradsOf = () => {
        const { grads, value } = tf.variableGrads(() => tf.sum(tf.square(model.logits(x))) as tf.Scalar, adapterVars);
        const out = adapterVars.flatMap((v) => Array.from(grads[v.name]!.dataSync()));
        tf.dispose([value, ...Object.values(grads)]);
        return out;
      };
      const frozen = gradsOf();
      for (const v of model.variables.values()) v.trainable = true; // @ual/nn's linear, which also computes dW
      const plain = gradsOf();
      const scale = Math.max(...plain.map(Math.abs));
      expect(worstGap(frozen, plain) / scale).toBeLessThan(1e-5);
      tf.dispose(x);
      lora.dispose();
      model.dispose();
    });

    it("attachLora() on GPT-2 refuses Llama layer names, listing the GPT-2 ones", () => {
      const model = createGpt2(gpt2Config, { seed: 1 });
      expect(() => attachLora(model, { targets: ["q_proj"] })).toThrow(/unknown layer "q_proj" of a GPT-2 model \(one of c_attn, c_proj, c_fc/);
      // nothing attached, nothing frozen
      expect([...model.variables.values()].every((v) => v.trainable)).toBe(true);
      model.dispose();
    });

    it("saveLoraAdapters() writes fan_in_fan_out and c_attn for GPT-2; loadLoraAdapters() restores them and names a misshapen tensor", async () => {
      const dir = mkdtempSync(join(tmpdir(), "ual-lora-gpt2-"));
      const model = createGpt2(gpt2Config, { seed: 3 });
      const lora = attachLora(model, { r: 4 });
      randomizeB(lora);
      lora.setTraining(false);
      const adapted = gpt2Logits(model);
      await saveLoraAdapters(lora, dir, { baseModel: "models/tiny-gpt2" });
      const json = JSON.parse(readFileSync(join(dir, "adapter_config.json"), "utf8")) as Record<string, unknown>;
      expect(json).toMatchObject({ peft_type: "LORA", r: 4, lora_alpha: 16, target_modules: ["c_attn"], fan_in_fan_out: true, base_model_name_or_path: "models/tiny-gpt2" });
      lora.dispose();
      const again = attachLora(model, await readLoraConfig(dir), { seed: 99 });
      await loadLoraAdapters(again, dir);
      again.setTraining(false);
      expect(worstGap(gpt2Logits(model), adapted)).toBeLessThan(1e-5);
      again.dispose();
      const otherRank = attachLora(model, { r: 2 });
      await expect(loadLoraAdapters(otherRank, dir)).rejects.toThrow(/adapter tensor base_model\.model\.transformer\.h\.0\.attn\.c_attn\.lora_A\.weight is \[4,16\], the attached adapter is \[2,16\]/);
      otherRank.dispose();
      const more = attachLora(model, { r: 4, targets: ["c_attn", "c_fc"] });
      await expect(loadLoraAdapters(more, dir)).rejects.toThrow(/no adapter tensor base_model\.model\.transformer\.h\.0\.mlp\.c_fc\.lora_A\.weight and 3 more/);
      more.dispose();
      model.dispose();
      rmSync(dir, { recursive: true });
    });
  });
}

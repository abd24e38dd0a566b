import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { selectBackend } from "@ual/nn";
import { beforeAll, describe, expect, it } from "vitest";
import { attachLora } from "./attach_lora.ts";
import { createByteTokenizer } from "./byte_tokenizer.ts";
import { chatPrompt } from "./chat_prompt.ts";
import { createGpt2 } from "./create_gpt2.ts";
import { createLlama } from "./create_llama.ts";
import { generate } from "./generate.ts";
import { gpt2ConfigToHf } from "./gpt2_hf_config.ts";
import { saveGpt2Weights } from "./gpt2_weights.ts";
import { loadTrainedModel } from "./load_trained_model.ts";
import { saveHfModel } from "./save_hf_model.ts";
import { saveLoraAdapters } from "./save_lora_adapters.ts";
import { writeTinyBpe } from "./_test_tokenizer.ts";

// Checkpoint folders laid out as @ual/trainer-tfjs writes them (plugins/trainer-tfjs/_checkpoint.ts):
// the weights by the package's own save functions, config.json with the trainer's `ual` block.
const byte = createByteTokenizer();
const llamaConfig = { vocabSize: byte.vocabSize, dModel: 32, ffnDim: 48, layers: 2, heads: 4, kvHeads: 2, contextLength: 64, ropeTheta: 300, initStd: 0.3 };
const prompts = [chatPrompt("Name a fruit.", byte), chatPrompt("Hi", byte)];
const tempDir = () => mkdtempSync(join(tmpdir(), "ual-trained-"));
const ualBlock = (tokenizer: string, maxLength: number) => ({ trainer: "@ual/trainer-tfjs", tokenizer, template: "ual", maskPrompt: true, maxLength });

function addUalBlock(dir: string, ual: Record<string, unknown> | undefined): void {
  const path = join(dir, "config.json");
  const config = JSON.parse(readFileSync(path, "utf8")) as Record<string, unknown>;
  writeFileSync(path, JSON.stringify({ ...config, ual: ual ?? null }));
}

const tokensOf = (out: ReturnType<typeof generate>) => out.map((g) => g.tokens);

describe("loadTrainedModel()", () => {
  beforeAll(() => selectBackend("wasm"));

  it("loadTrainedModel() loads a GPT-2 trained from scratch, which then generates as before saving", async () => {
    const dir = tempDir();
    const config = { vocabSize: byte.vocabSize, contextLength: 64, dModel: 32, layers: 2, heads: 4, initStd: 0.3 };
    const model = createGpt2(config, { seed: 21 });
    const expected = tokensOf(generate(model, byte, prompts, { maxNewTokens: 8 }));
    await saveGpt2Weights(model, join(dir, "model.safetensors"));
    model.dispose();
    writeFileSync(join(dir, "config.json"), JSON.stringify({ ...gpt2ConfigToHf(config), ual: ualBlock("byte", 48) }));
    const trained = await loadTrainedModel(dir);
    expect(trained.model.family).toBe("gpt2");
    expect(trained).toMatchObject({ template: { kind: "template", name: "ual" }, maxLength: 48 });
    expect(trained.tokenizer.name).toBe("byte");
    expect(tokensOf(generate(trained.model, trained.tokenizer, prompts, { maxNewTokens: 8 }))).toEqual(expected);
    expect(expected[0]!.length).toBeGreaterThan(0);
    trained.model.dispose();
    rmSync(dir, { recursive: true });
  });

  it("loadTrainedModel() still reads a GPT-2 checkpoint whose config.json has no architectures", async () => {
    const dir = tempDir();
    const model = createGpt2({ vocabSize: byte.vocabSize, contextLength: 32, dModel: 16, layers: 1, heads: 2 }, { seed: 22 });
    await saveGpt2Weights(model, join(dir, "model.safetensors"));
    const ids = tf.tensor2d([prompts[1]!], [1, prompts[1]!.length], "int32");
    const expected = tf.tidy(() => Array.from(model.logits(ids).dataSync()));
    model.dispose();
    writeFileSync(join(dir, "config.json"), JSON.stringify({ vocab_size: byte.vocabSize, n_positions: 32, n_embd: 16, n_layer: 1, n_head: 2 }));
    const trained = await loadTrainedModel(dir);
    expect(trained).toMatchObject({ template: { kind: "template", name: "ual" }, maxLength: 32 });
    tf.tidy(() => Array.from(trained.model.logits(ids).dataSync())).forEach((x, i) => expect(x).toBeCloseTo(expected[i]!, 5));
    ids.dispose();
    trained.model.dispose();
  });

  it("loadTrainedModel() loads a full fine-tune of a Hugging Face Llama with the tokenizer copied beside it", async () => {
    const dir = tempDir();
    const model = createLlama({ ...llamaConfig, vocabSize: 8 }, { seed: 23 });
    await saveHfModel({ family: "llama", model }, dir, { producer: "@ual/trainer-tfjs" });
    writeTinyBpe(dir);
    addUalBlock(dir, ualBlock("tokenizer.json", 40));
    const trained = await loadTrainedModel(dir);
    expect(trained.model.family).toBe("llama");
    expect(trained.model.config).toMatchObject({ vocabSize: 8, dModel: 32, contextLength: 64 });
    expect(trained).toMatchObject({ template: { kind: "template", name: "ual" }, maxLength: 40 });
    expect(trained.tokenizer.vocabSize).toBe(8);
    const prompt = trained.tokenizer.encode("hi hi!");
    expect(prompt).toEqual([3, 4, 5]);
    const expected = tokensOf(generate(model, trained.tokenizer, [prompt], { maxNewTokens: 6 }));
    expect(tokensOf(generate(trained.model, trained.tokenizer, [prompt], { maxNewTokens: 6 }))).toEqual(expected);
    model.dispose();
    trained.model.dispose();
    rmSync(dir, { recursive: true });
  });

  it("loadTrainedModel() loads a Hugging Face folder without the trainer's block, with the byte tokenizer when it has none", async () => {
    const dir = tempDir();
    const model = createLlama(llamaConfig, { seed: 24 });
    await saveHfModel({ family: "llama", model }, dir);
    const expected = tokensOf(generate(model, byte, prompts, { maxNewTokens: 6 }));
    model.dispose();
    const trained = await loadTrainedModel(dir);
    expect(trained).toMatchObject({ template: { kind: "template", name: "ual" }, maxLength: 64 });
    expect(trained.tokenizer.name).toBe("byte");
    expect(tokensOf(generate(trained.model, trained.tokenizer, prompts, { maxNewTokens: 6 }))).toEqual(expected);
    trained.model.dispose();
    rmSync(dir, { recursive: true });
  });

  it("loadTrainedModel() loads LoRA adapters merged into their base, generating what the unmerged adapters generate", async () => {
    const root = tempDir();
    const base = join(root, "tiny-llama");
    const checkpoint = join(root, "checkpoints", "step-000004");
    const model = createLlama(llamaConfig, { seed: 25 });
    await saveHfModel({ family: "llama", model }, base);
    const baseTokens = tokensOf(generate(model, byte, prompts, { maxNewTokens: 8 }));
    const lora = attachLora(model, { r: 4, alpha: 8, dropout: 0.1 }, { seed: 3 });
    for (const [name, v] of lora.variables) if (name.endsWith("lora_B.weight")) v.assign(tf.randomNormal(v.shape, 0, 0.5, "float32", 5));
    lora.setTraining(false);
    const expected = tokensOf(generate(model, byte, prompts, { maxNewTokens: 8 }));
    await saveLoraAdapters(lora, checkpoint, { baseModel: base, metadata: { producer: "@ual/trainer-tfjs" } });
    lora.dispose();
    model.dispose();
    writeFileSync(join(checkpoint, "config.json"), readFileSync(join(base, "config.json")));
    addUalBlock(checkpoint, ualBlock("byte", 56));
    const trained = await loadTrainedModel(checkpoint);
    expect(trained.model.family).toBe("llama");
    expect(trained).toMatchObject({ template: { kind: "template", name: "ual" }, maxLength: 56 });
    const got = tokensOf(generate(trained.model, trained.tokenizer, prompts, { maxNewTokens: 8 }));
    expect(got).toEqual(expected);
    expect(got).not.toEqual(baseTokens);
    trained.model.dispose();

    rmSync(base, { recursive: true });
    await expect(loadTrainedModel(checkpoint)).rejects.toThrow(/adapter_config\.json: the base model .*tiny-llama .*has no config\.json/);
    rmSync(join(checkpoint, "adapter_model.safetensors"));
    await expect(loadTrainedModel(checkpoint)).rejects.toThrow(/adapter_model\.safetensors: missing/);
    rmSync(root, { recursive: true });
  });

  it("loadTrainedModel() names the missing file of an incomplete checkpoint", async () => {
    const dir = tempDir();
    await expect(loadTrainedModel(dir)).rejects.toThrow(/config\.json: cannot read the checkpoint's config/);
    const model = createLlama(llamaConfig, { seed: 26 });
    await saveHfModel({ family: "llama", model }, dir);
    model.dispose();
    addUalBlock(dir, ualBlock("tokenizer.json", 40));
    await expect(loadTrainedModel(dir)).rejects.toThrow(/tokenizer\.json: missing/);
    rmSync(join(dir, "model.safetensors"));
    await expect(loadTrainedModel(dir)).rejects.toThrow(/model\.safetensors: missing/);
    rmSync(dir, { recursive: true });
  });
});

import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs-core";
import { selectBackend } from "@ual/nn";
import { encodeSafetensors } from "@ual/safetensors";
import { beforeAll, describe, expect, it } from "vitest";
import { createLlama } from "./create_llama.ts";
import { loadHfModel } from "./load_hf_model.ts";
import { saveHfModel } from "./save_hf_model.ts";

const llamaFixture = fileURLToPath(new URL("./fixtures/parity/llama", import.meta.url));

function tempCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), "ual-hf-"));
  cpSync(llamaFixture, dir, { recursive: true });
  return dir;
}

describe("loadHfModel()", () => {
  beforeAll(() => selectBackend("cpu"));

  it("loadHfModel() holds each float32 weight once after loading", async () => {
    for (const name of ["gpt2", "llama", "qwen2_bf16_sharded"]) {
      const before = tf.memory().numBytes;
      const loaded = await loadHfModel(fileURLToPath(new URL(`./fixtures/parity/${name}`, import.meta.url)));
      const weights = [...loaded.model.variables.values()].reduce((n, v) => n + 4 * v.size, 0);
      expect(tf.memory().numBytes - before, name).toBe(weights);
      loaded.model.dispose();
    }
  });

  it("loadHfModel() names an unsupported architecture", async () => {
    const dir = tempCopy();
    const config = JSON.parse(readFileSync(join(dir, "config.json"), "utf8")) as Record<string, unknown>;
    writeFileSync(join(dir, "config.json"), JSON.stringify({ ...config, architectures: ["FalconForCausalLM"] }));
    await expect(loadHfModel(dir)).rejects.toThrow(/FalconForCausalLM is not supported/);
    rmSync(dir, { recursive: true });
  });

  it("loadHfModel() names a missing tensor and a folder without config.json", async () => {
    const dir = tempCopy();
    const model = createLlama({ vocabSize: 64, dModel: 32, ffnDim: 48, layers: 2, heads: 4, kvHeads: 2 });
    const tensors: Record<string, { dtype: "F32"; shape: number[]; data: Float32Array }> = {};
    for (const [name, v] of model.variables) {
      if (name !== "model.layers.1.mlp.up_proj.weight") tensors[name] = { dtype: "F32", shape: [...v.shape], data: v.dataSync() as Float32Array };
    }
    model.dispose();
    writeFileSync(join(dir, "model.safetensors"), encodeSafetensors(tensors));
    await expect(loadHfModel(dir)).rejects.toThrow(/missing tensor model\.layers\.1\.mlp\.up_proj\.weight/);
    await expect(loadHfModel(tmpdir())).rejects.toThrow(/no config\.json/);
    rmSync(dir, { recursive: true });
  });

  it("saveHfModel() writes a folder loadHfModel() reads back to the same logits, with the chat template", async () => {
    const source = await loadHfModel(llamaFixture, { trainable: false });
    expect([...source.model.variables.values()].every((v) => !v.trainable)).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), "ual-hf-save-"));
    await saveHfModel(source, dir);
    writeFileSync(
      join(dir, "tokenizer_config.json"),
      JSON.stringify({ bos_token: "<s>", eos_token: { content: "</s>" }, chat_template: "{{ bos_token }}{% for m in messages %}[{{ m.role }}] {{ m.content }}{{ eos_token }}{% endfor %}" }),
    );
    const again = await loadHfModel(dir);
    const ids = tf.tensor2d([[1, 2, 3, 4]], [1, 4], "int32");
    const [a, b] = [source.model.logits(ids), again.model.logits(ids)];
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    expect(again.chatTemplate).toContain("messages");
    expect(again.specialTokens).toEqual({ bos: "<s>", eos: "</s>" });
    expect(again.tokenizer).toBeUndefined();
    tf.dispose([ids, a, b]);
    source.model.dispose();
    again.model.dispose();
    rmSync(dir, { recursive: true });
  });
});

import { describe, expect, it } from "vitest";
import { llamaConfigFromHf, llamaConfigToHf, llamaParameterCount, resolveLlamaConfig } from "./llama_config.ts";

const llama2 = {
  architectures: ["LlamaForCausalLM"], vocab_size: 32000, hidden_size: 4096, intermediate_size: 11008,
  num_hidden_layers: 32, num_attention_heads: 32, rms_norm_eps: 1e-5, max_position_embeddings: 4096,
};

describe("llamaConfigFromHf()", () => {
  it("llamaConfigFromHf() reads Llama-2 and Mistral configs (spec §5.1 sizes)", () => {
    expect(llamaParameterCount(llamaConfigFromHf(llama2))).toBe(6738415616);
    const mistral = llamaConfigFromHf({ ...llama2, architectures: ["MistralForCausalLM"], intermediate_size: 14336, num_key_value_heads: 8, rope_theta: 1e6, sliding_window: 4096 });
    expect(mistral).toMatchObject({ kvHeads: 8, headDim: 128, ropeTheta: 1e6, attentionBias: false });
    expect(llamaConfigFromHf({ ...llama2, architectures: ["Qwen2ForCausalLM"], tie_word_embeddings: true })).toMatchObject({ attentionBias: true, tieWordEmbeddings: true });
  });

  it("llamaConfigFromHf() rejects what it cannot compute, naming the field", () => {
    expect(() => llamaConfigFromHf({ ...llama2, architectures: ["GPT2LMHeadModel"] })).toThrow(/GPT2LMHeadModel is not a Llama-family/);
    expect(() => llamaConfigFromHf({ ...llama2, rope_scaling: { type: "dynamic", factor: 2 } })).toThrow(/rope_scaling\.rope_type "dynamic" is not supported/);
    expect(() => llamaConfigFromHf({ ...llama2, hidden_size: "4096" })).toThrow(/"hidden_size" must be a number/);
    expect(() => resolveLlamaConfig({ vocabSize: 8, dModel: 16, ffnDim: 8, layers: 1, heads: 4, kvHeads: 3 })).toThrow(/kvHeads \(3\) must divide heads/);
  });

  it("llamaConfigToHf() round-trips through llamaConfigFromHf()", () => {
    const config = resolveLlamaConfig({ vocabSize: 64, dModel: 32, ffnDim: 48, layers: 2, heads: 4, kvHeads: 2, ropeTheta: 5e5 });
    expect(llamaConfigFromHf(llamaConfigToHf(config))).toEqual(config);
  });
});

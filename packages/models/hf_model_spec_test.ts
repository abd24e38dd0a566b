import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { hfModelSpec } from "./hf_model_spec.ts";
import { llamaConfigFromHf, llamaConfigToHf } from "./llama_config.ts";

interface Case { name: string; config: Record<string, unknown>; spec?: Record<string, unknown>; error?: string }
// the cases @ual/trainer-torch's Python reader (python/_config.py) is held to as well
const CASES = JSON.parse(readFileSync(new URL("./fixtures/hf_config_cases.json", import.meta.url), "utf8")) as Case[];

describe("hfModelSpec()", () => {
  it.each(CASES.map((c) => [c.name, c] as const))("%s", (_, c) => {
    if (c.error !== undefined) expect(() => hfModelSpec(c.config, "cfg.json")).toThrow(c.error);
    else expect(hfModelSpec(c.config, "cfg.json")).toEqual(c.spec);
  });

  it("the cases cover every architecture, both RoPE spellings, the window and each refusal", () => {
    const specs = CASES.flatMap((c) => (c.spec ? [c.spec] : []));
    expect(new Set(specs.map((s) => s.architecture))).toEqual(new Set(["LlamaForCausalLM", "MistralForCausalLM", "Qwen2ForCausalLM", "GPT2LMHeadModel"]));
    expect(CASES.some((c) => "rope_parameters" in c.config && c.spec)).toBe(true);
    expect(CASES.filter((c) => c.error !== undefined).length).toBeGreaterThanOrEqual(10);
  });
});

describe("llamaConfigFromHf() on hfModelSpec()", () => {
  const byName = (prefix: string) => CASES.find((c) => c.name.startsWith(prefix))!.config;

  it("takes the RoPE base from transformers 5's rope_parameters (it read 10000 before)", () => {
    expect(llamaConfigFromHf(byName("Llama-3-8B as transformers 5")).ropeTheta).toBe(500000);
  });

  it("reads a scaled RoPE in either spelling into ropeScaling, and llamaConfigToHf() writes it back", () => {
    const llama3 = { type: "llama3", factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings: 8192 };
    for (const name of ["Llama-3.1-8B as transformers 4", "Llama-3.1-8B as transformers 5"]) {
      const config = llamaConfigFromHf(byName(name));
      expect(config, name).toMatchObject({ ropeTheta: 500000, ropeScaling: llama3 });
      expect(llamaConfigFromHf(llamaConfigToHf(config))).toEqual(config);
    }
    expect(llamaConfigFromHf(byName("Llama with rope_scaling of type linear")).ropeScaling).toEqual({ type: "linear", factor: 2 });
    expect(llamaConfigFromHf(byName("Llama-2-7B")).ropeScaling).toBeNull();
  });

  it("honours Mistral's sliding window by not going past it: full attention over at most W tokens is the same model", () => {
    expect(llamaConfigFromHf(byName("Mistral-7B-v0.1"))).toMatchObject({ contextLength: 4096 });
    expect(llamaConfigFromHf(byName("Mistral-7B-v0.3"))).toMatchObject({ contextLength: 32768 });
  });
});

import { describe, expect, it } from "vitest";
import { gpt2ParameterCount, resolveGpt2Config } from "./gpt2_config.ts";

const config = { vocabSize: 11, contextLength: 8, dModel: 16, layers: 2, heads: 4 };

describe("GPT-2 config", () => {
  it("gpt2ParameterCount() gives GPT-2's 124,439,808 parameters", () => {
    expect(gpt2ParameterCount({ vocabSize: 50257, contextLength: 1024, dModel: 768, layers: 12, heads: 12 })).toBe(124_439_808);
  });

  it("resolveGpt2Config() names the wrong field", () => {
    expect(() => resolveGpt2Config({ ...config, heads: 3 })).toThrow(/heads \(3\) must divide dModel \(16\)/);
    expect(() => resolveGpt2Config({ ...config, layers: 0 })).toThrow(/layers must be a positive integer/);
  });

});

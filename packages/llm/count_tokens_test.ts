import { describe, expect, it } from "vitest";
import { approximateTokenCounter, openaiEncoding, tokenCounterFor } from "./count_tokens.ts";

describe("tokenCounterFor()", () => {
  it("tokenCounterFor() counts OpenAI tokens exactly with tiktoken", async () => {
    const counter = await tokenCounterFor("openai", "gpt-4o");
    expect(counter.method).toBe("tiktoken:o200k_base");
    expect(counter.count('{"score": 42}')).toBe(6);
    expect(counter.count("")).toBe(0);
    // Special-token text in a sample is counted as text, not rejected.
    expect(counter.count("<|endoftext|>")).toBeGreaterThan(1);
  });

  it("tokenCounterFor() approximates Claude at 3.5 characters per token", async () => {
    const counter = await tokenCounterFor("anthropic", "claude-sonnet-4-5");
    expect(counter.method).toBe("approx:3.5-chars-per-token");
    expect(counter.count("1234567")).toBe(2);
    expect(counter.count("12345678")).toBe(3);
  });
});

describe("openaiEncoding()", () => {
  it("openaiEncoding() gives cl100k to GPT-4 and GPT-3.5 and o200k to the newer models", () => {
    expect(openaiEncoding("gpt-4-1106-preview")).toBe("cl100k_base");
    expect(openaiEncoding("gpt-4")).toBe("cl100k_base");
    expect(openaiEncoding("gpt-3.5-turbo")).toBe("cl100k_base");
    for (const model of ["gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-5", "o3", "o4-mini", "some-new-model"]) expect(openaiEncoding(model)).toBe("o200k_base");
  });
});

describe("approximateTokenCounter()", () => {
  it("approximateTokenCounter() counts code points, not UTF-16 units", () => {
    expect(approximateTokenCounter(1).count("😀😀")).toBe(2);
  });
});

import { describe, expect, it } from "vitest";
import { callCost, priceFor, PRICES } from "./prices.ts";

describe("priceFor()", () => {
  it("priceFor() finds a model by exact name or by the longest family it extends", () => {
    expect(priceFor("gpt-4o")).toBe(PRICES["gpt-4o"]);
    expect(priceFor("gpt-4o-2024-08-06")).toBe(PRICES["gpt-4o"]);
    expect(priceFor("gpt-4o-mini-2024-07-18")).toBe(PRICES["gpt-4o-mini"]);
    expect(priceFor("claude-sonnet-4-5-20250929")).toBe(PRICES["claude-sonnet-4-5"]);
    expect(priceFor("gpt-4-0613")).toBe(PRICES["gpt-4"]);
  });

  it("priceFor() never prices a model by a mere string prefix, and knows nothing of unlisted models", () => {
    expect(priceFor("gpt-4.5-preview")).toBeUndefined();
    expect(priceFor("my-finetune")).toBeUndefined();
  });

  it("priceFor() lets overrides replace or add prices", () => {
    expect(priceFor("gpt-4o", { "gpt-4o": { input: 1, output: 2 } })).toEqual({ input: 1, output: 2 });
    expect(priceFor("ft:gpt-4o:acme", { "ft:gpt-4o:acme": { input: 3, output: 12 } })).toEqual({ input: 3, output: 12 });
    expect(priceFor("gpt-4o-2024-08-06", { "gpt-4o": { input: 1, output: 2 } })).toEqual({ input: 1, output: 2 });
  });
});

describe("callCost()", () => {
  it("callCost() prices tokens per million, at half price (or the given share) in batch", () => {
    const price = { input: 2.5, output: 10 };
    expect(callCost({ inputTokens: 1000, outputTokens: 10 }, price)).toBeCloseTo(0.0026, 12);
    expect(callCost({ inputTokens: 1000, outputTokens: 10 }, price, { batch: true })).toBeCloseTo(0.0013, 12);
    expect(callCost({ inputTokens: 1000, outputTokens: 0 }, { ...price, batchDiscount: 0.25 }, { batch: true })).toBeCloseTo(0.000625, 12);
    expect(callCost({ inputTokens: 1000, outputTokens: 10 }, undefined)).toBe(0);
  });
});

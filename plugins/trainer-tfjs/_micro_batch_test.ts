import { describe, expect, it } from "vitest";
import { planMicroBatch } from "./_micro_batch.ts";

const small = { vocabSize: 8192, contextLength: 256, dModel: 256, layers: 6, heads: 8 };
const GiB = 1024 ** 3;

describe("planMicroBatch()", () => {
  it("planMicroBatch() auto takes the most samples that fit the budget on wasm, the whole batch elsewhere", () => {
    expect(planMicroBatch({ requested: "auto", batchSize: 8, config: small, maxLength: 256, backend: "wasm", budgetBytes: 3 * GiB }).size).toBe(8);
    expect(planMicroBatch({ requested: "auto", batchSize: 8, config: small, maxLength: 256, backend: "wasm", budgetBytes: 1 * GiB }).size).toBe(3);
    expect(planMicroBatch({ requested: "auto", batchSize: 64, config: small, maxLength: 256, backend: "tensorflow", budgetBytes: GiB }).size).toBe(64);
  });

  it("planMicroBatch() refuses, with the numbers, what cannot fit the 4 GiB wasm heap", () => {
    const gpt2 = { vocabSize: 50257, contextLength: 1024, dModel: 768, layers: 12, heads: 12 };
    expect(() => planMicroBatch({ requested: "auto", batchSize: 8, config: gpt2, maxLength: 1024, backend: "wasm", budgetBytes: 3 * GiB })).toThrow(
      /one sample of 1024 tokens needs about \d+\.\d\d GiB .* bounded at 4 GiB\. Lower maxLength/,
    );
    expect(() => planMicroBatch({ requested: 8, batchSize: 16, config: { ...small, contextLength: 512 }, maxLength: 512, backend: "wasm", budgetBytes: 3 * GiB })).toThrow(
      /microBatchSize 8 cannot fit the wasm heap \(4 GiB\): it needs about .* Use microBatchSize "auto" or at most \d/,
    );
  });

  it("planMicroBatch() warns when an explicit size exceeds the budget but fits the heap", () => {
    const plan = planMicroBatch({ requested: 8, batchSize: 8, config: small, maxLength: 256, backend: "wasm", budgetBytes: 1 * GiB });
    expect(plan.size).toBe(8);
    expect(plan.warning).toMatch(/above the memory budget/);
  });
});

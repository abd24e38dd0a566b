import { describe, expect, it } from "vitest";
import { estimateTrainingMemory } from "./estimate_training_memory.ts";

const config = { vocabSize: 11, contextLength: 8, dModel: 16, layers: 2, heads: 4 };

describe("estimateTrainingMemory()", () => {
  it("estimateTrainingMemory() grows with the batch and counts the logits", () => {
    const one = estimateTrainingMemory({ ...config, vocabSize: 8192 }, 1, 8);
    const four = estimateTrainingMemory({ ...config, vocabSize: 8192 }, 4, 8);
    expect(four.activations).toBeCloseTo(4 * one.activations);
    expect(one.logits).toBe(4 * 5 * 8 * 8192);
    // calibrated on the wasm heap after two steps of the bench's small model at batch 8: 2335 MiB
    const small = estimateTrainingMemory({ vocabSize: 8192, contextLength: 256, dModel: 256, layers: 6, heads: 8 }, 8, 256).total / 1024 ** 2;
    expect(small).toBeGreaterThan(2335 * 0.8);
    expect(small).toBeLessThan(2335 * 1.2);
  });
});

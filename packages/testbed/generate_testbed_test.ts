import { describe, expect, test } from "vitest";
import { answerDistribution } from "./answer_distribution.ts";
import { generateTestbed, testbedSamples } from "./generate_testbed.ts";
import { TESTBED_MAX_ENTROPY } from "./task_families.ts";

const promptOf = (sample: { turns: Array<{ content: string }> }) => sample.turns[0]?.content as string;
const answerOf = (sample: { turns: Array<{ content: string }> }) => sample.turns[1]?.content as string;

describe("generateTestbed()", () => {
  test("generateTestbed() is deterministic for a seed and differs between seeds", () => {
    const a = generateTestbed({ seed: 7, count: 300 });
    expect(generateTestbed({ seed: 7, count: 300 })).toEqual(a);
    expect(generateTestbed({ seed: 8, count: 300 })).not.toEqual(a);
    // The held-out split draws from its own stream (and its own prompts).
    expect(generateTestbed({ seed: 7, count: 300, split: "heldout" }).map(promptOf)).not.toEqual(a.map(promptOf));
  });

  test("generateTestbed() train and held-out samples share no prompt", () => {
    const train = new Set(generateTestbed({ seed: 1, count: 20_000 }).map(promptOf));
    const heldout = generateTestbed({ seed: 2, count: 5_000, split: "heldout" }).map(promptOf);
    expect(heldout.filter((p) => train.has(p))).toEqual([]);
    expect(new Set(heldout).size).toBeGreaterThan(300);
  });

  test("generateTestbed() draws exactly round(count · mix) high-entropy samples", () => {
    for (const [count, mix] of [[100, 0.5], [101, 0.3], [50, 0], [50, 1], [0, 0.5]] as const) {
      const samples = generateTestbed({ seed: 3, count, mix });
      expect(samples).toHaveLength(count);
      expect(samples.filter((s) => s.metadata.subset === "high-entropy")).toHaveLength(Math.round(count * mix));
    }
  });

  test("generateTestbed() samples carry the truth of their prompt", () => {
    for (const sample of generateTestbed({ seed: 4, count: 500 })) {
      const truth = answerDistribution(promptOf(sample));
      expect(truth).toBeDefined();
      expect(sample.metadata).toEqual({
        subset: truth?.subset,
        task: truth?.task,
        split: "train",
        entropy: truth?.entropy,
        maxEntropy: TESTBED_MAX_ENTROPY,
        shape: truth?.shape,
        answers: truth?.answers,
      });
      expect(truth?.split).toBe("train");
      expect(truth?.answers.map((a) => a.answer)).toContain(answerOf(sample));
      expect(sample.turns.map((t) => t.role)).toEqual(["user", "assistant"]);
    }
  });

  test("generateTestbed() draws answers from the stated distribution", () => {
    const fruit = generateTestbed({ seed: 5, count: 40_000, mix: 1, kinds: ["name-item"] }).filter((s) => promptOf(s) === "Name a fruit.");
    const truth = answerDistribution("Name a fruit.");
    expect(fruit.length).toBeGreaterThan(800);
    for (const { answer, probability } of truth?.answers ?? []) {
      const seen = fruit.filter((s) => answerOf(s) === answer).length / fruit.length;
      // Four standard errors: a false alarm about once in 15,000 answers.
      expect(Math.abs(seen - probability), answer).toBeLessThan(4 * Math.sqrt((probability * (1 - probability)) / fruit.length));
    }
  });

  test("generateTestbed() draws only the families named in kinds, uniformly", () => {
    const samples = generateTestbed({ seed: 6, count: 4000, kinds: ["addition", "next-letter", "pick-number"] });
    const byTask = new Map<string, number>();
    for (const s of samples) byTask.set(s.metadata.task as string, (byTask.get(s.metadata.task as string) ?? 0) + 1);
    expect([...byTask.keys()].sort()).toEqual(["addition", "next-letter", "pick-number"]);
    expect(Math.abs((byTask.get("addition") as number) - 1000)).toBeLessThan(130);
  });

  test("generateTestbed() rejects options it cannot serve, saying what to change", () => {
    expect(() => generateTestbed({ kinds: ["addition"] })).toThrow(
      "testbed: mix 0.5 asks for 500 high-entropy samples but kinds names no high-entropy family (kinds has only low-entropy families); add one of name-item, starts-with, pick-number, pick-letter, or set mix to 0",
    );
    expect(generateTestbed({ kinds: ["addition"], mix: 0, count: 3 })).toHaveLength(3);
    expect(() => generateTestbed({ kinds: ["nope" as "addition"] })).toThrow('unknown testbed task family "nope"');
    expect(() => generateTestbed({ mix: 1.5 })).toThrow("mix must be a share from 0 to 1");
    expect(() => generateTestbed({ count: -1 })).toThrow("count must be a non-negative integer");
    expect(() => generateTestbed({ kinds: [] })).toThrow("kinds is empty");
  });
});

describe("testbedSamples()", () => {
  test("testbedSamples() streams the same samples generateTestbed() returns", () => {
    const stream = testbedSamples({ seed: 9, count: 5 });
    const first = stream.next();
    expect(first.done).toBe(false);
    expect([first.value, ...stream]).toEqual(generateTestbed({ seed: 9, count: 5 }));
  });
});

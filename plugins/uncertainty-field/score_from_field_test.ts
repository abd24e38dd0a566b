import type { JsonObject, Sample } from "@ual/core";
import { describe, expect, it } from "vitest";
import { scoreFromField } from "./score_from_field.ts";

const sample = (metadata: JsonObject, extra: Partial<Sample> = {}): Sample => ({
  id: "s1",
  turns: [{ role: "user", content: "q" }],
  metadata,
  ...extra,
});

describe("scoreFromField()", () => {
  it("scoreFromField() reads a number from the score field by default", () => {
    expect(scoreFromField(sample({ score: 42 }))).toEqual({ score: 42, source: "field:score" });
    expect(scoreFromField(sample({ score: 0 }))).toEqual({ score: 0, source: "field:score" });
    expect(scoreFromField(sample({ score: -3.5 }))).toEqual({ score: -3.5, source: "field:score" });
  });

  it("scoreFromField() accepts numeric strings", () => {
    for (const [text, value] of [["42", 42], [" 7 ", 7], ["4.5", 4.5], ["-1", -1], [".5", 0.5], ["1e2", 100]] as const) {
      expect(scoreFromField(sample({ score: text })).score, text).toBe(value);
    }
  });

  it("scoreFromField() gives null with a reason for values that are not numbers", () => {
    const cases: Array<[JsonObject[string], string]> = [
      ["high", 'field "score" is not a number: "high"'],
      ["", 'field "score" is not a number: ""'],
      ["0x1f", 'field "score" is not a number: "0x1f"'],
      ["Infinity", 'field "score" is not a number: "Infinity"'],
      ["NaN", 'field "score" is not a number: "NaN"'],
      [true, 'field "score" is not a number: true'],
      [[42], 'field "score" is not a number: [42]'],
      [{ value: 42 }, 'field "score" is not a number: {"value":42}'],
      ["x".repeat(60), `field "score" is not a number: "${"x".repeat(36)}...`],
    ];
    for (const [value, reason] of cases) {
      expect(scoreFromField(sample({ score: value })), String(value)).toEqual({ score: null, reason, source: "field:score" });
    }
  });

  it("scoreFromField() rejects NaN and infinities in samples built in code", () => {
    expect(scoreFromField(sample({ score: Number.NaN })).reason).toBe('field "score" is not a number: NaN');
    expect(scoreFromField(sample({ score: Number.POSITIVE_INFINITY })).score).toBeNull();
  });

  it("scoreFromField() gives null for a missing or null field, for the mapper to impute", () => {
    expect(scoreFromField(sample({}))).toEqual({ score: null, reason: 'no field "score"', source: "field:score" });
    expect(scoreFromField(sample({ score: null }))).toEqual({
      score: null,
      reason: 'field "score" is null',
      source: "field:score",
    });
  });

  it("scoreFromField() with missing fail throws, naming the sample and its location", () => {
    const located = sample({}, { id: "gsm8k-17", location: { file: "data/train.jsonl", line: 17 } });
    expect(() => scoreFromField(located, { missing: "fail" })).toThrow(
      'sample "gsm8k-17" (data/train.jsonl:17): no field "score"; add the score, or set missing: "null" to let the mapper impute it',
    );
    expect(() => scoreFromField(sample({ score: null }), { missing: "fail" })).toThrow('sample "s1": field "score" is null;');
    // A present but unusable value is a null score, not a failure.
    expect(scoreFromField(sample({ score: "n/a" }), { missing: "fail" }).score).toBeNull();
  });

  it("scoreFromField() follows dotted paths through objects and arrays", () => {
    const metadata: JsonObject = { ratings: { gpt4: "71", human: [3, 9] } };
    expect(scoreFromField(sample(metadata), { field: "ratings.gpt4" })).toEqual({ score: 71, source: "field:ratings.gpt4" });
    expect(scoreFromField(sample(metadata), { field: "ratings.human.1" }).score).toBe(9);
    expect(scoreFromField(sample(metadata), { field: "ratings.claude" }).reason).toBe('no field "ratings.claude"');
    expect(scoreFromField(sample(metadata), { field: "ratings.human.x" }).reason).toBe('no field "ratings.human.x"');
    expect(scoreFromField(sample(metadata), { field: "ratings.gpt4.deeper" }).reason).toBe('no field "ratings.gpt4.deeper"');
    expect(scoreFromField(sample(metadata), { field: "ratings.toString" }).reason).toBe('no field "ratings.toString"');
  });

  it("scoreFromField() prefers a key spelled like the whole dotted path", () => {
    const metadata: JsonObject = { "ratings.gpt4": 5, ratings: { gpt4: 6 } };
    expect(scoreFromField(sample(metadata), { field: "ratings.gpt4" }).score).toBe(5);
  });

  it("scoreFromField() checks the scale, inclusive at both ends", () => {
    const scale = [0, 99] as const;
    expect(scoreFromField(sample({ score: 0 }), { scale }).score).toBe(0);
    expect(scoreFromField(sample({ score: 99 }), { scale }).score).toBe(99);
    expect(scoreFromField(sample({ score: 120 }), { scale })).toEqual({
      score: null,
      reason: "score 120 is outside [0, 99]",
      source: "field:score",
    });
    expect(scoreFromField(sample({ score: "-1" }), { scale }).reason).toBe("score -1 is outside [0, 99]");
  });
});

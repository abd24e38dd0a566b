import type { JsonObject, Sample } from "@ual/core";
import { describe, expect, test } from "vitest";
import { oracleScore } from "./oracle_score.ts";

const sample = (metadata: JsonObject): Sample => ({ id: "s", turns: [], metadata });
const LN12 = Math.log(12);

describe("oracleScore()", () => {
  test("oracleScore() maps H to 99 · H / H_max, with H_max from the sample by default", () => {
    expect(oracleScore(sample({ entropy: 0, maxEntropy: LN12 }))).toEqual({ score: 0, source: "oracle:entropy" });
    expect(oracleScore(sample({ entropy: LN12, maxEntropy: LN12 })).score).toBeCloseTo(99, 12);
    expect(oracleScore(sample({ entropy: Math.log(4), maxEntropy: Math.log(16) })).score).toBeCloseTo(49.5, 12);
    expect(oracleScore(sample({ entropy: 1, maxEntropy: LN12 }), { maxEntropy: 2 }).score).toBeCloseTo(49.5, 12);
  });

  test("oracleScore() reports raw nats on the nats scale", () => {
    expect(oracleScore(sample({ entropy: 1.25 }), { scale: "nats" })).toEqual({ score: 1.25, source: "oracle:entropy" });
  });

  test("oracleScore() clips at 99 and says so", () => {
    expect(oracleScore(sample({ entropy: 3 }), { maxEntropy: 2 })).toEqual({
      score: 99,
      reason: "entropy 3.0000 nats is above maxEntropy 2; clipped to 99",
      source: "oracle:entropy",
    });
  });

  test("oracleScore() gives null with a reason when the truth is missing or unusable", () => {
    expect(oracleScore(sample({}))).toMatchObject({ score: null, reason: expect.stringContaining("no metadata.entropy") });
    expect(oracleScore(sample({ entropy: "high" }))).toMatchObject({ score: null, reason: expect.stringContaining('metadata.entropy is "high"') });
    expect(oracleScore(sample({ entropy: -1 }), { scale: "nats" })).toMatchObject({ score: null });
    expect(oracleScore(sample({ entropy: 1 }))).toMatchObject({
      score: null,
      reason: "no metadata.maxEntropy to scale by; set the oracle's maxEntropy option, or scale: nats",
    });
    expect(oracleScore(sample({ entropy: 1, maxEntropy: 0 }))).toMatchObject({ score: null });
  });
});

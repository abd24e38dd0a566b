import { describe, expect, test } from "vitest";
import { entropyNats } from "./entropy_nats.ts";

describe("entropyNats()", () => {
  test("entropyNats() gives ln k for k equal answers and 0 for one", () => {
    for (let k = 1; k <= 12; k++) expect(entropyNats(new Array<number>(k).fill(1 / k))).toBeCloseTo(Math.log(k), 14);
    expect(entropyNats([1, 0])).toBe(0);
    expect(entropyNats([0.5, 0.25, 0.25])).toBeCloseTo(1.5 * Math.log(2), 15);
  });

  test("entropyNats() rejects what is not a distribution", () => {
    expect(() => entropyNats([0.5, 0.6])).toThrow("sum to 1.1");
    expect(() => entropyNats([-0.1, 1.1])).toThrow("-0.1 is not a probability");
  });
});

import { describe, expect, it } from "vitest";
import { perTokenNll } from "./per_token_nll.ts";

describe("perTokenNll()", () => {
  it("perTokenNll() weighs every token the same", () => {
    expect(perTokenNll([{ logProb: -2, tokens: 1 }, { logProb: -4, tokens: 3 }])).toBe(1.5);
    expect(perTokenNll([{ logProb: Math.log(0.5), tokens: 1 }])).toBeCloseTo(Math.LN2, 12);
    expect(() => perTokenNll([])).toThrow(/no tokens/);
  });
});

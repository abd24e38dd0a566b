import { describe, expect, it } from "vitest";
import { nextTokenFeatures } from "./next_token_features.ts";

describe("nextTokenFeatures()", () => {
  it("nextTokenFeatures() labels position t with token t + 1 and drops the last position", () => {
    expect(nextTokenFeatures([[1], [2], [3]], [10, 11, 12])).toEqual({ features: [[1], [2]], labels: [11, 12] });
    expect(() => nextTokenFeatures([[1]], [1, 2])).toThrow(/1 feature rows for 2 tokens/);
  });
});

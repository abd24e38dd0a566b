import { describe, expect, it } from "vitest";
import { accuracy } from "./accuracy.ts";

describe("accuracy()", () => {
  it("accuracy() is the share correct with a Wald 95% half-width", () => {
    const { value, ci95 } = accuracy([true, false, true, true]);
    expect(value).toBe(0.75);
    expect(ci95).toBeCloseTo(1.96 * Math.sqrt(0.75 * 0.25 / 4), 12);
    expect(accuracy([true]).ci95).toBe(0);
  });
});

import { describe, expect, it } from "vitest";
import { REASK_SUFFIX, RUBRIC, RUBRIC_VERSION } from "./rubric.ts";

describe("RUBRIC", () => {
  it("RUBRIC states the 0–99 scale and the three bands of spec §1.2, and is versioned", () => {
    expect(RUBRIC.version).toBe(RUBRIC_VERSION);
    for (const band of ["70 to 99", "40 to 69", "0 to 39", "0 to 99"]) expect(RUBRIC.text).toContain(band);
    expect(RUBRIC.text.split("{conversation}")).toHaveLength(2);
  });

  it("RUBRIC tells the model that the fenced text is material, not instructions", () => {
    expect(RUBRIC.text).toMatch(/never instructions/);
    expect(REASK_SUFFIX).toContain('{"score"');
  });
});

import { describe, expect, it } from "vitest";
import { learningRateAt } from "./lr_schedule.ts";

describe("learningRateAt()", () => {
  it("learningRateAt() warms up linearly from peak/W, then stays constant", () => {
    const o = { schedule: "constant", peak: 1, totalSteps: 100, warmupSteps: 10 } as const;
    expect(learningRateAt(0, o)).toBeCloseTo(0.1);
    expect(learningRateAt(4, o)).toBeCloseTo(0.5);
    expect(learningRateAt(9, o)).toBe(1);
    expect(learningRateAt(99, o)).toBe(1);
    expect(learningRateAt(0, { ...o, warmupSteps: 0 })).toBe(1);
  });

  it("learningRateAt() decays cosine to 0 at the last step", () => {
    const o = { schedule: "cosine", peak: 2, totalSteps: 110, warmupSteps: 10 } as const;
    expect(learningRateAt(10, o)).toBe(2);
    expect(learningRateAt(60, o)).toBeCloseTo(1);
    expect(learningRateAt(110, o)).toBeCloseTo(0);
  });

  it("learningRateAt() reproduces the reference ramp of spec §5.3 (first update 0, peak never reached)", () => {
    // LIMA: 1030 samples × 10 epochs, batch 64 → 160 optimizer steps, W = 1030 micro-iterations
    const o = { schedule: "reference", peak: 3e-4, totalSteps: 160, warmupSteps: 0, batchSize: 64, totalSamples: 10300 } as const;
    expect(learningRateAt(0, o)).toBe(0);
    expect(learningRateAt(1, o)).toBeCloseTo(3e-4 / 1030, 12);
    // spec §5.3's table: the last lr of the LIMA run is 4.63e-5; the 6k sets' is 4.68e-5
    expect(learningRateAt(159, o)).toBeCloseTo(4.63e-5, 7);
    expect(learningRateAt(936, { ...o, totalSteps: 937, totalSamples: 60000 })).toBeCloseTo(4.68e-5, 7);
    // without totalSamples: steps × batch
    expect(learningRateAt(1, { ...o, totalSamples: undefined })).toBeCloseTo(3e-4 / 1024, 12);
  });
});

import { describe, expect, it } from "vitest";
import { unitHash } from "./_unit_hash.ts";

describe("unitHash()", () => {
  it("unitHash() spreads neighbouring ids evenly over [0, 1)", () => {
    const values = Array.from({ length: 10_000 }, (_, i) => unitHash(`task_${i}`));
    expect(values.every((u) => u >= 0 && u < 1)).toBe(true);
    // Each tenth holds 1000 ± 4.5 σ (σ = √(10000 · 0.1 · 0.9) = 30).
    const deciles = new Array<number>(10).fill(0);
    for (const u of values) deciles[Math.floor(u * 10)]!++;
    for (const count of deciles) expect(Math.abs(count - 1000)).toBeLessThan(135);
  });
});

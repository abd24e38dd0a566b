import { createRng } from "@ual/random";
import { describe, expect, it } from "vitest";
import { referenceValues } from "./_reference_values.ts";
import { bestOfN } from "./best_of_n.ts";

describe("bestOfN()", () => {
  it("bestOfN() equals 1 − (1 − p)^n computed exactly in rationals", () => {
    for (const c of referenceValues().bestOfN) {
      const got = bestOfN(c.p, c.n);
      expect(Math.abs(got - c.value)).toBeLessThanOrEqual(4 * Number.EPSILON * Math.max(c.value, 1e-300));
    }
  });

  it("bestOfN() is the hit rate of n draws (Monte Carlo, 20 000 trials)", () => {
    const rng = createRng(11);
    for (const [p, n] of [[0.1, 4], [0.35, 2], [0.02, 32]] as const) {
      let hits = 0;
      const trials = 20_000;
      for (let t = 0; t < trials; t++) {
        let hit = false;
        for (let k = 0; k < n; k++) if (rng.float() < p) hit = true;
        if (hit) hits++;
      }
      const expected = bestOfN(p, n);
      // 5 standard errors
      expect(Math.abs(hits / trials - expected)).toBeLessThan(5 * Math.sqrt((expected * (1 - expected)) / trials));
    }
  });

  it("bestOfN() rejects what is not a probability or a count", () => {
    expect(() => bestOfN(1.5, 4)).toThrow(/probability/);
    expect(() => bestOfN(0.5, 0)).toThrow(/n must be/);
  });
});

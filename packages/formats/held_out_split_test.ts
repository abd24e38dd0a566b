import { describe, expect, it } from "vitest";
import { splitPartOf } from "./held_out_split.ts";

const ids = Array.from({ length: 5000 }, (_, i) => (i % 2 === 0 ? `seed_task_${i}` : `gsm8k-train-200.jsonl:${i}`));
const heldOutIds = (heldout: number, seed = 0) => ids.filter((id) => splitPartOf(id, { heldout, seed }) === "heldout");

describe("splitPartOf()", () => {
  it("splitPartOf() holds out about the asked fraction", () => {
    // 500 ± 4.5 σ (σ = √(5000 · 0.1 · 0.9) ≈ 21).
    expect(Math.abs(heldOutIds(0.1).length - 500)).toBeLessThan(95);
    expect(Math.abs(heldOutIds(0.5).length - 2500)).toBeLessThan(160);
  });

  it("splitPartOf() depends on the id and seed only, not on order or calls", () => {
    const once = ids.map((id) => splitPartOf(id, { heldout: 0.2, seed: 3 }));
    const reversed = [...ids].reverse().map((id) => splitPartOf(id, { heldout: 0.2, seed: 3 })).reverse();
    expect(reversed).toEqual(once);
    expect(splitPartOf("x", { heldout: 0.3 })).toBe(splitPartOf("x", { heldout: 0.3, seed: 0 }));
  });

  it("splitPartOf() gives another split for another seed", () => {
    const a = new Set(heldOutIds(0.2, 0));
    const b = heldOutIds(0.2, 1);
    const shared = b.filter((id) => a.has(id)).length;
    // Independent splits share about 0.2 · 0.2 · 5000 = 200 ids, far from all 1000.
    expect(shared).toBeGreaterThan(100);
    expect(shared).toBeLessThan(300);
  });

  it("splitPartOf() only moves samples into the held-out part as the fraction grows", () => {
    const small = heldOutIds(0.05);
    const large = new Set(heldOutIds(0.15));
    expect(small.length).toBeGreaterThan(0);
    expect(small.every((id) => large.has(id))).toBe(true);
  });

  it("splitPartOf() rejects a fraction outside (0, 1)", () => {
    for (const heldout of [0, 1, -0.1, Number.NaN]) expect(() => splitPartOf("x", { heldout })).toThrow(/between 0 and 1/);
  });
});

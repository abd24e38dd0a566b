import { describe, expect, test } from "vitest";
import { authorsPairSelection } from "./authors_pair_selection.ts";

describe("authorsPairSelection()", () => {
  const scores = {
    base: [0.3, 0.3, -0.5, 0.2, 0.1, 0.4],
    ls: [0.5, 0.1, -0.4, 0.4, 0.2, 0.0],
    ual: [0.5, 0.4, -0.6, 0.2, 0.3, 0.3],
  };

  test("authorsPairSelection() keeps the pairs of largest ratio, and means over the raw scores", () => {
    // Ratios ual/ls: 1, 4, (mean < 0 → 1e-9/1e-9 = 1), 0.5, 1.5, 0.3/0 = ∞.
    const picked = authorsPairSelection(scores, { favoured: "ual", rules: [{ against: "ls", top: 3 }] });
    expect(picked.indices).toEqual([1, 4, 5]);
    expect(picked.means.ual).toBeCloseTo((0.4 + 0.3 + 0.3) / 3, 15);
    expect(picked.means.ls).toBeCloseTo((0.1 + 0.2 + 0.0) / 3, 15);
    expect(picked.label).toBe("authors' selection: pairs ranked by ual/ls (top 3) — favours ual, not random");
  });

  test("authorsPairSelection() unites several rules, then shuffles and keeps at most `keep`", () => {
    const rules = [
      { against: "ls", top: 2 },
      { against: "base", top: 2 },
    ];
    // ual/ls top 2: 5 (∞), 1 (4); ual/base top 2: 4 (3), 0 (1.67) → {0, 1, 4, 5}.
    expect(authorsPairSelection(scores, { favoured: "ual", rules }).indices).toEqual([0, 1, 4, 5]);
    const kept = authorsPairSelection(scores, { favoured: "ual", rules, keep: 2, seed: 9 });
    expect(kept.indices).toHaveLength(2);
    expect(authorsPairSelection(scores, { favoured: "ual", rules, keep: 2, seed: 9 }).indices).toEqual(kept.indices);
  });

  test("authorsPairSelection() leaves out pairs where a model has no score", () => {
    const picked = authorsPairSelection({ a: [0.5, 0.9, 0.1], b: [0.5, null, 0.2] }, { favoured: "a", rules: [{ against: "b", top: 5 }] });
    expect(picked.indices).toEqual([0, 2]);
  });

  test("authorsPairSelection() names what is missing", () => {
    expect(() => authorsPairSelection(scores, { favoured: "ual", rules: [{ against: "sft", top: 1 }] })).toThrow('no scores for model "sft" (have: base, ls, ual)');
    expect(() => authorsPairSelection({ a: [1], b: [1, 2] }, { favoured: "a", rules: [{ against: "b", top: 1 }] })).toThrow('model "b" has 2 scores, "a" has 1');
  });
});

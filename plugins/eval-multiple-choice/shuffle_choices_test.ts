import { describe, expect, it } from "vitest";
import { shuffleChoices } from "./shuffle_choices.ts";

describe("shuffleChoices()", () => {
  it("shuffleChoices() moves the answer with its choice, puts it everywhere over many items, and is seeded", () => {
    const positions = [0, 0, 0, 0];
    for (let i = 0; i < 800; i++) {
      const item = { question: `q${i}`, choices: ["right", "w1", "w2", "w3"], answer: 0 };
      const shuffled = shuffleChoices(item, 7);
      expect(shuffled.choices[shuffled.answer]).toBe("right");
      expect([...shuffled.choices].sort()).toEqual([...item.choices].sort());
      expect(shuffleChoices(item, 7)).toEqual(shuffled);
      positions[shuffled.answer]!++;
    }
    // each ~ Binomial(800, 1/4): mean 200, sd ≈ 12
    for (const n of positions) expect(Math.abs(n - 200)).toBeLessThan(60);
    const item = { question: "q", choices: ["a", "b", "c", "d", "e", "f"], answer: 2 };
    const orders = new Set([0, 1, 2, 3, 4].map((seed) => shuffleChoices(item, seed).choices.join()));
    expect(orders.size).toBeGreaterThan(1);
  });
});

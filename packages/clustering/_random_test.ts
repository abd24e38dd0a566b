import { describe, expect, test } from "vitest";
import { createRandom, shuffled } from "./_random.ts";

describe("createRandom()", () => {
  test("createRandom() repeats for a seed and differs between seeds, also beyond 32 bits", () => {
    const draw = (seed: number) => Array.from({ length: 5 }, createRandom(seed).next);
    expect(draw(1)).toEqual(draw(1));
    expect(draw(1)).not.toEqual(draw(2));
    expect(draw(1)).not.toEqual(draw(2 ** 32 + 1));
  });

  test("createRandom() is roughly uniform", () => {
    const random = createRandom(42);
    const bins = new Array<number>(10).fill(0);
    let outside = 0;
    for (let i = 0; i < 100_000; i++) {
      const u = random.next();
      if (!(u >= 0 && u < 1)) outside++;
      else bins[Math.floor(u * 10)]! += 1;
    }
    expect(outside).toBe(0);
    for (const b of bins) expect(Math.abs(b - 10_000)).toBeLessThan(500);
  });

  test("shuffled() permutes without touching its input", () => {
    const items = [1, 2, 3, 4, 5, 6];
    const out = shuffled(items, createRandom(7));
    expect(items).toEqual([1, 2, 3, 4, 5, 6]);
    expect([...out].sort()).toEqual(items);
  });
});

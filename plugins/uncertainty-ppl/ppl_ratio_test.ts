import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { createPplRatio } from "./ppl_ratio.ts";

// Test vectors of spec §4.2 (α = 0.1), fed one sample per step as the reference's micro-batch 1.
const feed = (nll: number[], options: Parameters<typeof createPplRatio>[0]) => {
  const ppl = createPplRatio(options);
  return nll.map((x) => ppl.next([x])[0] as number);
};

describe("createPplRatio()", () => {
  test("matches the spec's vectors", () => {
    const a = feed([2, 1, 3], { alpha: 0.1, beta: 1 });
    [0.1, 0.1 / 1.5, 0.15].forEach((v, i) => expect(a[i]).toBeCloseTo(v, 12));
    const b = feed([2, 1, 3], { alpha: 0.1, beta: 0.5 });
    [0.1, 0.1 * (1 + 0.5 * (1 / 1.5 - 1)), 0.125].forEach((v, i) => expect(b[i]).toBeCloseTo(v, 12));
    expect(b[1]).toBeCloseTo(0.0833, 4);
    const c = feed([1, 50], { alpha: 0.1 });
    expect(c[1]).toBeCloseTo(0.19608, 5);
  });

  test("updates the average with the whole batch before mapping it", () => {
    const ppl = createPplRatio({ alpha: 0.2 });
    // avg = (1 + 3) / 2 = 2 → ε = 0.2·[0.5, 1.5]
    const eps = ppl.next([1, 3]);
    expect(eps[0]).toBeCloseTo(0.1, 12);
    expect(eps[1]).toBeCloseTo(0.3, 12);
    expect(ppl.average()).toBe(2);
  });

  test("clips to [0, cap]", () => {
    const ppl = createPplRatio({ alpha: 0.5, beta: 4, cap: 0.9 });
    const eps = ppl.next([0.1, 10]);
    expect(eps[0]).toBe(0);
    expect(eps[1]).toBe(0.9);
  });

  test("leaves non-finite NLLs out of the average and gives them α", () => {
    const ppl = createPplRatio({ alpha: 0.1 });
    expect(ppl.next([Number.NaN, 2])).toEqual([0.1, 0.1]);
    expect(ppl.state()).toEqual({ total: 2, count: 1, skipped: 1 });
  });

  test("state() and restore() continue exactly where a checkpoint left off", () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0.01, max: 20, noNaN: true }), { minLength: 2, maxLength: 40 }), fc.nat(), (nll, cut) => {
        const at = 1 + (cut % (nll.length - 1));
        const whole = createPplRatio({ alpha: 0.1, beta: 0.7 });
        const expected = nll.map((x) => whole.next([x])[0]);
        const first = createPplRatio({ alpha: 0.1, beta: 0.7 });
        const before = nll.slice(0, at).map((x) => first.next([x])[0]);
        const resumed = createPplRatio({ alpha: 0.1, beta: 0.7 });
        resumed.restore(JSON.parse(JSON.stringify(first.state())));
        const after = nll.slice(at).map((x) => resumed.next([x])[0]);
        expect([...before, ...after]).toEqual(expected);
      }),
    );
  });

  test("rejects bad options", () => {
    expect(() => createPplRatio({ alpha: 0.5, cap: 0.4 })).toThrow(RangeError);
    expect(() => createPplRatio({ beta: Number.NaN })).toThrow(RangeError);
  });
});

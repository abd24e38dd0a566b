import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { loadReference } from "./_reference.ts";
import { silhouetteScore } from "./silhouette_score.ts";

const reference = loadReference();

describe("silhouetteScore() against scikit-learn (fixtures/reference.json)", () => {
  test.each(reference.silhouette.map((c) => [c.name, c]))("%s", (_name, c) => {
    expect(Math.abs(silhouetteScore(c.points, c.labels) - c.score)).toBeLessThan(1e-12);
  });
});

describe("silhouetteScore()", () => {
  test("silhouetteScore() gives the spec's test vector", () => {
    // spec §6.5 item 4: a = 1, b = (4 + √17)/2 for every point.
    expect(silhouetteScore([[0, 0], [0, 1], [4, 0], [4, 1]], [0, 0, 1, 1])).toBeCloseTo(0.7537887, 7);
  });

  test("silhouetteScore() gives a singleton cluster s = 0", () => {
    // The lone point contributes 0; the other three are computed as usual.
    const points = [[0, 0], [0, 1], [0, 2], [10, 0]];
    const a = [1.5, 1, 1.5];
    const b = [10, Math.hypot(10, 1), Math.hypot(10, 2)];
    const expected = a.reduce((s, ai, i) => s + ((b[i] as number) - ai) / Math.max(ai, b[i] as number), 0) / 4;
    expect(silhouetteScore(points, [1, 1, 1, 2])).toBeCloseTo(expected, 14);
  });

  test("silhouetteScore() depends neither on label values nor on point order", () => {
    const data = fc
      .array(fc.tuple(fc.double({ min: -10, max: 10, noNaN: true }), fc.double({ min: -10, max: 10, noNaN: true }), fc.integer({ min: 0, max: 2 })), { minLength: 4, maxLength: 30 })
      .filter((rows) => {
        const distinct = new Set(rows.map((r) => r[2])).size;
        return distinct >= 2 && distinct <= rows.length - 1;
      });
    fc.assert(
      fc.property(data, (rows) => {
        const score = silhouetteScore(rows.map(([x, y]) => [x, y]), rows.map((r) => r[2]));
        const reversed = rows.slice().reverse();
        const relabelled = silhouetteScore(reversed.map(([x, y]) => [x, y]), reversed.map((r) => 100 - 7 * r[2]));
        expect(relabelled).toBeCloseTo(score, 12);
        expect(score).toBeGreaterThanOrEqual(-1);
        expect(score).toBeLessThanOrEqual(1);
      }),
      { numRuns: 200 },
    );
  });

  test("silhouetteScore() needs 2 to n − 1 distinct labels, as sklearn", () => {
    expect(() => silhouetteScore([[0], [1], [2]], [0, 0, 0])).toThrow("1 distinct labels for 3 points; the silhouette needs 2 to n − 1 = 2");
    expect(() => silhouetteScore([[0], [1], [2]], [0, 1, 2])).toThrow(RangeError);
    expect(() => silhouetteScore([[0], [1]], [0, 1])).toThrow(RangeError);
    expect(() => silhouetteScore([[0], [1], [2]], [0, 1])).toThrow("3 points but 2 labels");
    expect(() => silhouetteScore([[0], [1], [2]], [0, 1, Number.NaN])).toThrow("label 2 is NaN");
  });
});

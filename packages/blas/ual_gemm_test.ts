import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { loadBlas } from "./load_blas.ts";

const load = loadBlas();
const blas = load.status === "loaded" ? load.blas : undefined;
const paths = blas?.kernelPaths() ?? [];
const own = paths.filter((path) => path !== "system");

/** A seeded stream of floats in [-1, 1), some exactly representable small integers. */
function values(length: number, seed: number): Float32Array {
  const out = new Float32Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = ((x >>> 0) / 2 ** 32) * 2 - 1;
  }
  return out;
}

interface Case {
  m: number;
  n: number;
  k: number;
  ta: boolean;
  tb: boolean;
  batch: number;
  alpha: number;
  beta: number;
  repeatB: boolean;
  seed: number;
}

/** Runs one case in a fresh buffer (C filled with NaN when beta is 0: it must not be read). */
function run(c: Case): { heap: Float32Array; cOff: number } {
  const aSize = c.m * c.k;
  const bSize = c.k * c.n;
  const cSize = c.m * c.n;
  const aOff = 5;
  const bOff = aOff + c.batch * aSize;
  const cOff = bOff + (c.repeatB ? 1 : c.batch) * bSize;
  const heap = new Float32Array(cOff + c.batch * cSize + 3);
  heap.set(values(c.batch * aSize, c.seed), aOff);
  heap.set(values((c.repeatB ? 1 : c.batch) * bSize, c.seed + 1), bOff);
  heap.set(c.beta === 0 ? new Float32Array(c.batch * cSize).fill(Number.NaN) : values(c.batch * cSize, c.seed + 2), cOff);
  heap.fill(7, cOff + c.batch * cSize);
  blas!.sgemmBatch(heap.buffer as ArrayBuffer, c.ta, c.tb, c.batch, c.m, c.n, c.k, aOff, aSize, bOff, c.repeatB ? 0 : bSize, cOff, cSize, c.alpha, c.beta);
  return { heap, cOff };
}

/** The float64 product and the sum of |terms| (the scale of float32 rounding) for entry e. */
function check(c: Case, heap: Float32Array, cOff: number): number {
  const a = values(c.batch * c.m * c.k, c.seed);
  const b = values((c.repeatB ? 1 : c.batch) * c.k * c.n, c.seed + 1);
  const c0 = c.beta === 0 ? undefined : values(c.batch * c.m * c.n, c.seed + 2);
  let worst = 0;
  for (let e = 0; e < c.batch; e++) {
    const ao = e * c.m * c.k;
    const bo = c.repeatB ? 0 : e * c.k * c.n;
    for (let i = 0; i < c.m; i++) {
      for (let j = 0; j < c.n; j++) {
        let sum = 0;
        let scale = 0;
        for (let p = 0; p < c.k; p++) {
          const term = (a[ao + (c.ta ? p * c.m + i : i * c.k + p)] as number) * (b[bo + (c.tb ? j * c.k + p : p * c.n + j)] as number);
          sum += term;
          scale += Math.abs(term);
        }
        const old = c0 === undefined ? 0 : c.beta * (c0[e * c.m * c.n + i * c.n + j] as number);
        const want = c.alpha * sum + old;
        const got = heap[cOff + e * c.m * c.n + i * c.n + j] as number;
        // float32 rounding of k products and sums: a few ulps of the terms' magnitude
        const bound = 2 ** -21 * (Math.abs(c.alpha) * scale + Math.abs(old)) + 1e-30;
        worst = Math.max(worst, Math.abs(got - want) / bound);
      }
    }
  }
  return worst;
}

describe.skipIf(own.length === 0)("the own GEMM kernels", () => {
  afterAll(() => {
    blas!.useKernels(paths[0] as string);
    blas!.setThreads(2);
  });

  // Shapes that cross every block edge: partial micro-tiles (m, n not multiples of the tile),
  // k over one and two KC = 256 slices, n over NC = 2048, m over several MC blocks; on 2 threads
  // the large ones split C into row bands (131×70), column bands (7×2101) and batch entries (4×64²).
  const edges: Case[] = [
    { m: 1, n: 1, k: 1, ta: false, tb: false, batch: 1, alpha: 1, beta: 0, repeatB: false, seed: 1 },
    { m: 13, n: 33, k: 257, ta: false, tb: true, batch: 1, alpha: 1, beta: 0, repeatB: false, seed: 2 },
    { m: 131, n: 70, k: 600, ta: true, tb: false, batch: 1, alpha: 0.5, beta: 1.5, repeatB: false, seed: 3 },
    { m: 7, n: 2101, k: 300, ta: true, tb: true, batch: 1, alpha: 1, beta: 0, repeatB: false, seed: 4 },
    { m: 64, n: 64, k: 70, ta: false, tb: false, batch: 4, alpha: 1, beta: 0, repeatB: false, seed: 8 },
    { m: 250, n: 5, k: 3, ta: false, tb: false, batch: 1, alpha: -2, beta: -1, repeatB: false, seed: 5 },
    { m: 18, n: 18, k: 32, ta: false, tb: true, batch: 9, alpha: 1, beta: 0, repeatB: false, seed: 6 },
    { m: 37, n: 29, k: 300, ta: false, tb: false, batch: 3, alpha: 1, beta: 0.25, repeatB: true, seed: 7 },
  ];

  describe.each(own)("on %s", (path) => {
    it.each(edges.map((c) => [`${c.batch}×(${c.m}×${c.k}${c.ta ? "ᵀ" : ""} · ${c.k}×${c.n}${c.tb ? "ᵀ" : ""}), α ${c.alpha}, β ${c.beta}`, c] as const))(
      "computes %s within float32 rounding, on 1 and 2 threads alike",
      (_, c) => {
        expect(blas!.useKernels(path)).toBe(true);
        blas!.setThreads(1);
        const one = run(c);
        expect(check(c, one.heap, one.cOff)).toBeLessThan(1);
        blas!.setThreads(2);
        const two = run(c);
        expect(Array.from(two.heap)).toEqual(Array.from(one.heap)); // the same bits, nothing written outside C
        expect(one.heap[one.heap.length - 1]).toBe(7);
      },
    );

    it("holds for random shapes, transposes, α and β (property)", () => {
      expect(blas!.useKernels(path)).toBe(true);
      fc.assert(
        fc.property(
          fc.record({
            m: fc.integer({ min: 1, max: 40 }),
            n: fc.integer({ min: 1, max: 70 }),
            k: fc.integer({ min: 0, max: 300 }),
            ta: fc.boolean(),
            tb: fc.boolean(),
            batch: fc.integer({ min: 1, max: 3 }),
            alpha: fc.constantFrom(1, 0.5, -3),
            beta: fc.constantFrom(0, 1, 0.5),
            repeatB: fc.boolean(),
            seed: fc.integer({ min: 1, max: 1 << 30 }),
            threads: fc.integer({ min: 1, max: 3 }),
          }),
          ({ threads, ...c }) => {
            blas!.setThreads(threads);
            const { heap, cOff } = run(c);
            // k = 0: C = β·C (0 when β is 0, even over NaN)
            return check(c, heap, cOff) < 1;
          },
        ),
        { numRuns: 150, seed: 20261205 },
      );
    });
  });

  it.skipIf(!(own.includes("avx512") && own.includes("avx2")))("gives the same bits on AVX-512 and AVX2+FMA (one fused multiply-add per step, in the same order)", () => {
    const c: Case = { m: 61, n: 75, k: 530, ta: false, tb: true, batch: 2, alpha: 1, beta: 0.5, repeatB: false, seed: 11 };
    blas!.useKernels("avx512");
    const wide = run(c).heap;
    blas!.useKernels("avx2");
    const narrow = run(c).heap;
    expect(Array.from(wide)).toEqual(Array.from(narrow));
  });
});

import { describe, expect, it } from "vitest";
import { createRng } from "./rng.ts";

describe("createRng()", () => {
  it("createRng() gives the same stream for the same seed and a different one for another", () => {
    const a = createRng(1337);
    const b = createRng(1337);
    const c = createRng(1338);
    const xs = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(xs);
  });

  it("createRng() resumes exactly from a saved state", () => {
    const rng = createRng(7);
    rng.permutation(10);
    const saved = rng.state();
    const next = [rng.float(), rng.normal(), rng.int(1000)];
    const other = createRng(0);
    other.restore(JSON.parse(JSON.stringify(saved)));
    expect([other.float(), other.normal(), other.int(1000)]).toEqual(next);
  });

  it("createRng() draws uniform floats and standard normals", () => {
    const rng = createRng(42);
    let sum = 0;
    let sq = 0;
    let u = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const x = rng.normal();
      sum += x;
      sq += x * x;
      u += rng.float();
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.03);
    expect(Math.abs(sq / n - 1)).toBeLessThan(0.05);
    expect(Math.abs(u / n - 0.5)).toBeLessThan(0.01);
  });

  it("createRng() permutation() is a permutation", () => {
    const p = Array.from(createRng(3).permutation(50));
    expect([...p].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(p).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it("fillMask() writes what float() < keep would, in the same stream, and leaves the rest of out alone", () => {
    for (const keep of [0.9, 0.5, 0.01]) {
      const a = createRng(99);
      const b = createRng(99);
      const out = new Float32Array(1000).fill(-1);
      a.fillMask(out, 100, 900, keep, 1 / keep);
      const expected = new Float32Array(1000).fill(-1);
      for (let i = 100; i < 900; i++) expected[i] = b.float() < keep ? 1 / keep : 0;
      expect(out).toEqual(expected);
      // the streams are still in step afterwards
      expect(a.nextUint32()).toBe(b.nextUint32());
      const kept = expected.subarray(100, 900).filter((x) => x > 0).length / 800;
      expect(Math.abs(kept - keep)).toBeLessThan(0.06);
    }
  });
});

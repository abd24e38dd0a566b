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
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadBlas } from "./load_blas.ts";

const load = loadBlas();

/** C = op(A)·op(B) by the definition, in float64. */
function reference(a: Float32Array, b: Float32Array, ta: boolean, tb: boolean, m: number, n: number, k: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let t = 0; t < k; t++) s += (a[ta ? t * m + i : i * k + t] as number) * (b[tb ? j * k + t : t * n + j] as number);
      c[i * n + j] = s;
    }
  }
  return c;
}

function filled(length: number, seed: number): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = Math.sin(seed * 7.31 + i * 0.917);
  return out;
}

describe.skipIf(load.status !== "loaded")(`loadBlas() with ${load.status === "loaded" ? load.blas.info().config : `no native BLAS: ${(load as { reason: string }).reason}`}`, () => {
  const blas = load.status === "loaded" ? load.blas : undefined;

  // Every matmul path this machine has (system BLAS, own kernels per instruction set) is held
  // to the same references; the fused kernels switch with the matmuls' instruction set.
  const paths = blas?.kernelPaths() ?? [];
  describe.each(paths)("on the %s kernels", (path) => {
    beforeAll(() => {
      expect(blas!.useKernels(path)).toBe(true);
    });
    afterAll(() => {
      blas!.useKernels(paths[0] as string);
    });

    it.each([
      [false, false],
      [false, true],
      [true, false],
      [true, true],
    ])("sgemmBatch() computes op(A)·op(B) with transposeA %s, transposeB %s, at offsets inside one buffer", (ta, tb) => {
      const [m, n, k, batch] = [7, 5, 9, 3];
      const buffer = new ArrayBuffer(4 * (3 + batch * (m * k + k * n + m * n)));
      const heap = new Float32Array(buffer);
      const aOff = 3;
      const bOff = aOff + batch * m * k;
      const cOff = bOff + batch * k * n;
      heap.set(filled(batch * m * k, 1), aOff);
      heap.set(filled(batch * k * n, 2), bOff);
      blas!.sgemmBatch(buffer, ta, tb, batch, m, n, k, aOff, m * k, bOff, k * n, cOff, m * n);
      for (let i = 0; i < batch; i++) {
        const want = reference(heap.subarray(aOff + i * m * k), heap.subarray(bOff + i * k * n), ta, tb, m, n, k);
        const got = heap.subarray(cOff + i * m * n, cOff + (i + 1) * m * n);
        for (let j = 0; j < want.length; j++) expect(Math.abs((got[j] as number) - (want[j] as number))).toBeLessThan(1e-5);
      }
      expect(heap[0]).toBe(0); // nothing written before the first matrix
    });

    it("sgemmBatch() repeats a matrix whose stride is 0, and adds beta·C", () => {
      const [m, n, k] = [4, 3, 2];
      const buffer = new ArrayBuffer(4 * (m * k + 2 * k * n + 2 * m * n));
      const heap = new Float32Array(buffer);
      heap.set(filled(m * k, 3), 0);
      heap.set(filled(2 * k * n, 4), m * k);
      const cOff = m * k + 2 * k * n;
      heap.fill(1, cOff);
      blas!.sgemmBatch(buffer, false, false, 2, m, n, k, 0, 0, m * k, k * n, cOff, m * n, 2, 0.5);
      for (let i = 0; i < 2; i++) {
        const want = reference(heap.subarray(0, m * k), heap.subarray(m * k + i * k * n), false, false, m, n, k);
        for (let j = 0; j < m * n; j++) expect(heap[cOff + i * m * n + j]).toBeCloseTo(2 * (want[j] as number) + 0.5, 5);
      }
    });

    it("sgemmBatch() refuses matrices that reach outside the buffer", () => {
      const buffer = new ArrayBuffer(4 * 10);
      expect(() => blas!.sgemmBatch(buffer, false, false, 1, 2, 2, 2, 0, 0, 4, 0, 8, 0)).toThrow(/outside the buffer/);
      expect(() => blas!.sgemmBatch(buffer, false, false, 1, 2, 2, 2, -1, 0, 4, 0, 6, 0)).toThrow(/non-negative/);
    });

    it("geluForward() and geluBackward() give GPT-2's tanh GELU and its derivative (float64 reference)", () => {
      const n = 1003;
      const heap = new Float32Array(new ArrayBuffer(4 * (1 + 4 * n)));
      const x = filled(n, 3).map((v, i) => v * (i % 7) * 1.7); // up to ±10: both tails of tanh
      const dy = filled(n, 4);
      heap.set(x, 1);
      heap.set(dy, 1 + n);
      blas?.geluForward(heap.buffer as ArrayBuffer, n, 1, 1 + 2 * n);
      blas?.geluBackward(heap.buffer as ArrayBuffer, n, 1, 1 + n, 1 + 3 * n);
      const k = Math.sqrt(2 / Math.PI);
      let worstY = 0;
      let worstDx = 0;
      for (let i = 0; i < n; i++) {
        const xi = x[i] as number;
        const t = Math.tanh(k * (xi + 0.044715 * xi ** 3));
        const y = 0.5 * xi * (1 + t);
        const dx = (dy[i] as number) * (0.5 * (1 + t) + 0.5 * xi * (1 - t * t) * k * (1 + 3 * 0.044715 * xi * xi));
        worstY = Math.max(worstY, Math.abs((heap[1 + 2 * n + i] as number) - y) / (1 + Math.abs(y)));
        worstDx = Math.max(worstDx, Math.abs((heap[1 + 3 * n + i] as number) - dx) / (1 + Math.abs(dx)));
      }
      expect(worstY).toBeLessThan(1e-6);
      expect(worstDx).toBeLessThan(1e-6);
    });

    it("layerNormForward() and layerNormBackward() match LayerNorm and its gradient (float64 reference)", () => {
      const [rows, d] = [5, 37];
      const eps = 1e-5;
      const x = filled(rows * d, 5).map((v, i) => v * 3 + (i % d === 0 ? 40 : 0)); // an offset row entry: centring matters
      const gamma = filled(d, 6);
      const beta = filled(d, 7);
      const dy = filled(rows * d, 8);
      const layout = { x: 0, gamma: rows * d, beta: rows * d + d, y: rows * d + 2 * d, xHat: 2 * rows * d + 2 * d, rstd: 3 * rows * d + 2 * d };
      const back = { dy: layout.rstd + rows, dx: layout.rstd + rows + rows * d, dGamma: layout.rstd + rows + 2 * rows * d, dBeta: layout.rstd + rows + 2 * rows * d + d };
      const heap = new Float32Array(back.dBeta + d);
      heap.set(x, layout.x);
      heap.set(gamma, layout.gamma);
      heap.set(beta, layout.beta);
      heap.set(dy, back.dy);
      blas?.layerNormForward(heap.buffer as ArrayBuffer, rows, d, layout.x, layout.gamma, layout.beta, layout.y, layout.xHat, layout.rstd, eps);
      blas?.layerNormBackward(heap.buffer as ArrayBuffer, rows, d, back.dy, layout.xHat, layout.rstd, layout.gamma, back.dx, back.dGamma, back.dBeta);
      const dGamma = new Float64Array(d);
      const dBeta = new Float64Array(d);
      for (let r = 0; r < rows; r++) {
        const row = Array.from(x.subarray(r * d, (r + 1) * d));
        const mean = row.reduce((a, b) => a + b, 0) / d;
        const variance = row.reduce((a, b) => a + (b - mean) ** 2, 0) / d;
        const rstd = 1 / Math.sqrt(variance + eps);
        const h = row.map((v) => (v - mean) * rstd);
        const dh = h.map((_, j) => (dy[r * d + j] as number) * (gamma[j] as number));
        const m1 = dh.reduce((a, b) => a + b, 0) / d;
        const m2 = dh.reduce((a, b, j) => a + b * (h[j] as number), 0) / d;
        for (let j = 0; j < d; j++) {
          expect(heap[layout.y + r * d + j]).toBeCloseTo((h[j] as number) * (gamma[j] as number) + (beta[j] as number), 5);
          expect(heap[back.dx + r * d + j]).toBeCloseTo(rstd * ((dh[j] as number) - m1 - (h[j] as number) * m2), 5);
          dGamma[j] = (dGamma[j] as number) + (dy[r * d + j] as number) * (h[j] as number);
          dBeta[j] = (dBeta[j] as number) + (dy[r * d + j] as number);
        }
        expect(heap[layout.rstd + r]).toBeCloseTo(rstd, 6);
      }
      for (let j = 0; j < d; j++) {
        expect(heap[back.dGamma + j]).toBeCloseTo(dGamma[j] as number, 5);
        expect(heap[back.dBeta + j]).toBeCloseTo(dBeta[j] as number, 5);
      }
    });

    it("rowStats() and rowGrad() give the loss's per-row statistics and gradient, rows with target −1 zero (float64 reference)", () => {
      const [rows, width] = [4, 301];
      // logits spread over ±60: the exponentials cover many binades, and some underflow to ~0
      const z = filled(rows * width, 9).map((v, i) => v * (i % 3 === 0 ? 60 : 4));
      const targets = new Int32Array([5, -1, 300, 0]);
      const scale = Float32Array.from([0.5, 1, 2, 0.25]);
      const offScale = Float32Array.from([0.01, 0.02, 0, 0.003]);
      const targetScale = Float32Array.from([0.4, 1, 1.5, 0.2]);
      const o = { z: 0, t: rows * width, max: rows * width + rows, lse: rows * width + 2 * rows, target: rows * width + 3 * rows, sum: rows * width + 4 * rows };
      const w = { lse: o.sum + rows, s: o.sum + 2 * rows, as: o.sum + 3 * rows, cs: o.sum + 4 * rows, g: o.sum + 5 * rows };
      const heap = new Float32Array(w.g + rows * width);
      heap.set(z, o.z);
      new Int32Array(heap.buffer).set(targets, o.t);
      heap.set(scale, w.s);
      heap.set(offScale, w.as);
      heap.set(targetScale, w.cs);
      blas?.rowStats(heap.buffer as ArrayBuffer, rows, width, o.z, o.t, o.max, o.lse, o.target, o.sum);
      for (let r = 0; r < rows; r++) heap[w.lse + r] = (heap[o.max + r] as number) + (heap[o.lse + r] as number);
      blas?.rowGrad(heap.buffer as ArrayBuffer, rows, width, o.z, o.t, w.lse, w.s, w.as, w.cs, w.g);
      for (let r = 0; r < rows; r++) {
        const row = Array.from(z.subarray(r * width, (r + 1) * width));
        const y = targets[r] as number;
        if (y < 0) {
          expect([heap[o.max + r], heap[o.lse + r], heap[o.target + r], heap[o.sum + r]]).toEqual([0, 0, 0, 0]);
          expect(heap.subarray(w.g + r * width, w.g + (r + 1) * width).every((v) => v === 0)).toBe(true);
          continue;
        }
        const m = Math.max(...row);
        const sumExp = row.reduce((a, v) => a + Math.exp(v - m), 0);
        expect(heap[o.max + r]).toBe(m);
        expect(heap[o.lse + r]).toBeCloseTo(Math.log(sumExp), 6);
        expect(heap[o.target + r]).toBe(Math.fround((row[y] as number) - m));
        const shifted = row.reduce((a, v) => a + (v - m), 0);
        expect(Math.abs((heap[o.sum + r] as number) - shifted) / Math.abs(shifted)).toBeLessThan(1e-6);
        for (let j = 0; j < width; j++) {
          const g = (scale[r] as number) * Math.exp((row[j] as number) - m - Math.log(sumExp)) - (offScale[r] as number) - (j === y ? (targetScale[r] as number) : 0);
          expect(Math.abs((heap[w.g + r * width + j] as number) - g)).toBeLessThan(1e-6 * (1 + Math.abs(g)));
        }
      }
    });
  });

  it("adamwStep() is PyTorch's AdamW update, written beside its inputs", () => {
    const n = 37;
    const buffer = new ArrayBuffer(4 * (7 * n + 1));
    const heap = new Float32Array(buffer);
    const at = (k: number) => 1 + k * n;
    for (let k = 0; k < 4; k++) heap.set(filled(n, k + 5).map((x) => (k === 3 ? x * x : x)), at(k)); // v ≥ 0
    const c = { beta1: 0.9, beta2: 0.999, stepSize: 0.01 / (1 - 0.9 ** 3), invC2: 1 / (1 - 0.999 ** 3), epsilon: 1e-8, decay: 1 - 0.01 * 0.1 };
    blas!.adamwStep(buffer, n, { param: at(0), grad: at(1), m: at(2), v: at(3), outParam: at(4), outM: at(5), outV: at(6) }, c);
    for (let i = 0; i < n; i++) {
      const [p, g, m, v] = [0, 1, 2, 3].map((k) => heap[at(k) + i] as number) as [number, number, number, number];
      const m1 = 0.9 * m + 0.1 * g;
      const v1 = 0.999 * v + 0.001 * g * g;
      expect(heap[at(5) + i]).toBeCloseTo(m1, 6);
      expect(heap[at(6) + i]).toBeCloseTo(v1, 6);
      expect(Math.abs((heap[at(4) + i] as number) - (p * c.decay - (m1 * c.stepSize) / (Math.sqrt(v1 * c.invC2) + c.epsilon)))).toBeLessThan(1e-6);
    }
    expect(heap[0]).toBe(0);
    expect(() => blas!.adamwStep(buffer, n, { param: at(6) + 1, grad: 0, m: 0, v: 0, outParam: 0, outM: 0, outV: 0 }, c)).toThrow(/outside/);
  });

  it("setThreads() changes the library's thread count", () => {
    const before = blas!.info().threads;
    blas!.setThreads(1);
    expect(blas!.info().threads).toBe(1);
    blas!.setThreads(Math.max(1, before));
  });

  it("the fused kernels refuse a buffer that lies outside the heap", () => {
    const heap = new Float32Array(16);
    expect(() => blas?.geluForward(heap.buffer as ArrayBuffer, 10, 0, 8)).toThrow(/outside the heap/);
    expect(() => blas?.rowStats(heap.buffer as ArrayBuffer, 2, 8, 0, 15, 0, 0, 0, 0)).toThrow(/outside the heap/);
  });
});

describe("loadBlas()", () => {
  it("answers the same object on every call, with a reason when it has no library", () => {
    expect(loadBlas()).toBe(load);
    if (load.status === "unavailable") expect(load.reason.length).toBeGreaterThan(10);
    else {
      const info = load.blas.info();
      expect(info.matmuls).toMatch(info.kernels === "system" ? /thread/ : /^own .* kernels, \d+ threads?$/);
      if (info.kernels === "system") expect(info.library).not.toBe("");
      else expect(info.systemMissing).not.toBe("");
    }
  });
});

import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { testBackends, useBackend } from "./_test_backends.ts";
import { registerKernels } from "./register_kernels.ts";

const backends = await testBackends();

const [vocab, width, count] = [13, 6, 40];
const table = Array.from({ length: vocab * width }, (_, i) => Math.cos(0.37 * i));
// repeated ids, as in a batch of tokens, and some rows never looked up
const ids = Array.from({ length: count }, (_, i) => (i * 7 + (i % 3)) % (vocab - 2));
const upstream = Array.from({ length: count * width }, (_, i) => Math.sin(0.11 * i + 1));

/** ∂/∂table Σ gather(table, ids) ⊙ upstream, by hand: row r gets the sum of upstream rows with id r. */
function expectedTableGrad(): Float64Array {
  const g = new Float64Array(vocab * width);
  ids.forEach((id, i) => {
    for (let k = 0; k < width; k++) g[id * width + k] = (g[id * width + k] as number) + (upstream[i * width + k] as number);
  });
  return g;
}

function gatherGrad(axis: 0 | 1): Float32Array {
  return tf.tidy(() => {
    const shape: [number, number] = axis === 0 ? [vocab, width] : [width, vocab];
    const x = axis === 0 ? tf.tensor2d(table, shape) : tf.transpose(tf.tensor2d(table, [vocab, width]));
    const dy = axis === 0 ? tf.tensor2d(upstream, [count, width]) : tf.transpose(tf.tensor2d(upstream, [count, width]));
    const index = tf.tensor1d(ids, "int32");
    const grad = tf.grad((t) => tf.sum(tf.mul(tf.gather(t, index, axis), dy)))(x);
    return (axis === 0 ? grad : tf.transpose(grad)).dataSync() as Float32Array;
  });
}

let cpuResult: Float32Array;

beforeAll(async () => {
  await useBackend("cpu");
  cpuResult = gatherGrad(0);
});

for (const { name: backendName, available } of backends) {
  describe.skipIf(!available)(`on ${backendName}`, () => {
    beforeAll(async () => {
      await useBackend(backendName);
    });

    it("registerKernels() lets tf.grad of a gather (an embedding lookup) run, with the right values", () => {
      const expected = expectedTableGrad();
      for (const axis of [0, 1] as const) {
        const got = gatherGrad(axis);
        for (let i = 0; i < expected.length; i++) expect(got[i]).toBeCloseTo(expected[i] as number, 5);
      }
    });

    it("registerKernels() gives the same gather gradient as the cpu backend", () => {
      const got = gatherGrad(0);
      for (let i = 0; i < got.length; i++) expect(Math.abs((got[i] as number) - (cpuResult[i] as number))).toBeLessThan(1e-6);
    });

    it("registerKernels() supplies UnsortedSegmentSum for int32, multi-dimensional ids and dropped negative ids", () => {
      tf.tidy(() => {
        const x = tf.tensor3d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [2, 3, 2], "int32");
        const segments = tf.tensor2d([[2, 0, -1], [2, 1, 0]], [2, 3], "int32");
        // TensorFlow allows ids of any rank that prefixes x's shape; tfjs' typing says 1-D
        const out = tf.unsortedSegmentSum(x, segments as unknown as tf.Tensor1D, 4);
        expect(out.dtype).toBe("int32");
        expect(out.shape).toEqual([4, 2]);
        // segment 0: [3,4]+[11,12]; 1: [9,10]; 2: [1,2]+[7,8]; 3: nothing; id −1 ([5,6]) dropped
        expect(Array.from(out.dataSync())).toEqual([14, 16, 9, 10, 8, 10, 0, 0]);
      });
    });

    it("registerKernels() is idempotent", () => {
      registerKernels();
      registerKernels();
      expect(gatherGrad(0).length).toBe(vocab * width);
    });
  });
}

describe("UnsortedSegmentSum on the project's kernels", () => {
  it.each(["wasm", "cpu"] as const)("registerKernels()' kernel rejects an id ≥ numSegments on %s", async (name) => {
    await useBackend(name);
    expect(() => tf.tidy(() => tf.unsortedSegmentSum(tf.tensor1d([1, 2, 3]), tf.tensor1d([0, 5, 1], "int32"), 3))).toThrow(
      /segment id 5 at position 1 is outside \[0, 3\)/,
    );
  });
});

describe("the wasm kernels that replace copying ones", () => {
  beforeAll(async () => {
    await useBackend("wasm");
  });

  it("registerKernels()' Identity on wasm shares the buffer, and a clone outlives its source", () => {
    const x = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const offset = (t: tf.Tensor) => (tf.backend() as unknown as { getMemoryOffset(id: object): number }).getMemoryOffset(t.dataId);
    const y = tf.clone(x);
    expect(offset(y)).toBe(offset(x));
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, 2, 3, 4]);
    y.dispose();
  });

  it("registerKernels()' Slice on wasm gives tf.slice's values in every rank and dtype", async () => {
    const cases: Array<{ shape: number[]; begin: number[]; size: number[]; dtype: "float32" | "int32" | "bool" }> = [
      { shape: [7], begin: [2], size: [3], dtype: "float32" },
      { shape: [5, 6], begin: [1, 2], size: [3, 4], dtype: "float32" },
      { shape: [5, 6], begin: [0, 0], size: [5, -1], dtype: "int32" },
      { shape: [3, 4, 5], begin: [1, 0, 2], size: [2, 4, 2], dtype: "float32" },
      { shape: [2, 3, 4, 5], begin: [1, 1, 0, 1], size: [1, 2, 3, 3], dtype: "bool" },
      { shape: [2, 2, 3, 2, 3], begin: [0, 1, 1, 0, 1], size: [2, 1, 2, 2, 2], dtype: "int32" },
      // whole trailing axes: copied as runs of 3·4, then of the whole input
      { shape: [2, 6, 3, 4], begin: [1, 2, 0, 0], size: [1, 3, 3, 4], dtype: "float32" },
      { shape: [2, 6, 3, 4], begin: [0, 0, 0, 0], size: [2, 6, 3, 4], dtype: "float32" },
    ];
    const run = (c: (typeof cases)[number]) =>
      tf.tidy(() => {
        const n = c.shape.reduce((a, b) => a * b, 1);
        const values = c.dtype === "bool" ? Array.from({ length: n }, (_, i) => i % 3 === 0) : Array.from({ length: n }, (_, i) => i * 1.5 - 7);
        const x = tf.tensor(values, c.shape, c.dtype);
        const out = tf.slice(x, c.begin, c.size);
        return { shape: out.shape, values: Array.from(out.dataSync()) };
      });
    const wasm = cases.map(run);
    await useBackend("cpu");
    const cpu = cases.map(run);
    await useBackend("wasm");
    expect(wasm).toEqual(cpu);
  });

  it("registerKernels()' SplitV on wasm gives tf.split's parts (sizes and counts, every axis)", async () => {
    const cases: Array<{ shape: number[]; split: number | number[]; axis: number }> = [
      { shape: [6, 9], split: 3, axis: 1 },
      { shape: [6, 9], split: [1, 5], axis: 0 },
      { shape: [2, 3, 8], split: [2, 4, 2], axis: -1 },
      { shape: [4, 3, 5], split: [2, -1], axis: 1 },
      // attention's fused q·k·v by head: [B, 3H, T, dh] along axis 1
      { shape: [2, 12, 5, 4], split: 3, axis: 1 },
    ];
    const run = (c: (typeof cases)[number]) =>
      tf.tidy(() => {
        const n = c.shape.reduce((a, b) => a * b, 1);
        const x = tf.tensor(Array.from({ length: n }, (_, i) => i * 0.5 - 3), c.shape);
        return tf.split(x, c.split, c.axis).map((part) => ({ shape: part.shape, values: Array.from(part.dataSync()) }));
      });
    const wasm = cases.map(run);
    await useBackend("cpu");
    const cpu = cases.map(run);
    await useBackend("wasm");
    expect(wasm).toEqual(cpu);
  });

  it("registerKernels()' GatherV2 on wasm gives tf.gather's rows (every dtype, repeated and out-of-order indices), and other axes still work", async () => {
    const cases: Array<{ shape: number[]; indices: number[]; axis: number; dtype: "float32" | "int32" | "bool" }> = [
      { shape: [6, 5], indices: [3, 0, 3, 5], axis: 0, dtype: "float32" },
      { shape: [4, 2, 3], indices: [2, 1], axis: 0, dtype: "int32" },
      { shape: [7], indices: [6, 0, 2], axis: 0, dtype: "bool" },
      { shape: [4, 6], indices: [5, 1], axis: 1, dtype: "float32" },
    ];
    const run = (c: (typeof cases)[number]) =>
      tf.tidy(() => {
        const n = c.shape.reduce((a, b) => a * b, 1);
        const values = c.dtype === "bool" ? Array.from({ length: n }, (_, i) => i % 3 === 0) : Array.from({ length: n }, (_, i) => i * 1.5 - 7);
        const out = tf.gather(tf.tensor(values, c.shape, c.dtype), tf.tensor1d(c.indices, "int32"), c.axis);
        return { shape: out.shape, values: Array.from(out.dataSync()) };
      });
    const wasm = cases.map(run);
    expect(() => tf.gather(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor1d([2], "int32"))).toThrow(/not in \[0, 1\]/);
    await useBackend("cpu");
    const cpu = cases.map(run);
    await useBackend("wasm");
    expect(wasm).toEqual(cpu);
  });
});

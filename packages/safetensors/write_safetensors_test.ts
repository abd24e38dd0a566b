import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { SAFETENSORS_DTYPES } from "./dtypes.ts";
import { encodeSafetensors } from "./encode_safetensors.ts";
import { readSafetensors } from "./read_safetensors.ts";
import type { Tensor, TensorData, WritableTensor } from "./tensor.ts";
import { writeSafetensors } from "./write_safetensors.ts";
import { expectSafetensorsError, expectSameValues, temporaryDirectory } from "./_test_util.ts";

const dir = temporaryDirectory();

/** One small tensor of each dtype, with recognisable values. */
function oneOfEach(): Record<string, Tensor> {
  const make: Record<string, () => TensorData> = {
    F64: () => new Float64Array([Math.PI, -0, Number.NaN, 1e-310, -Infinity, 6]),
    F32: () => new Float32Array([1.5, -0, Number.NaN, 1e-45, Infinity, -2]),
    F16: () => new Uint16Array([0x3c00, 0x8000, 0x7e00, 0x0001, 0x7c00, 0xc000]),
    BF16: () => new Uint16Array([0x3f80, 0x8000, 0x7fc0, 0x0001, 0x7f80, 0xc000]),
    I64: () => new BigInt64Array([0n, -1n, 2n ** 63n - 1n, -(2n ** 63n), 2n ** 53n + 1n, 7n]),
    U64: () => new BigUint64Array([0n, 1n, 2n ** 64n - 1n, 2n ** 53n + 1n, 5n, 6n]),
    I32: () => new Int32Array([0, -1, 2 ** 31 - 1, -(2 ** 31), 5, 6]),
    U32: () => new Uint32Array([0, 1, 2 ** 32 - 1, 4, 5, 6]),
    I16: () => new Int16Array([0, -1, 32767, -32768, 5, 6]),
    U16: () => new Uint16Array([0, 1, 65535, 4, 5, 6]),
    I8: () => new Int8Array([0, -1, 127, -128, 5, 6]),
    U8: () => new Uint8Array([0, 1, 255, 4, 5, 6]),
    BOOL: () => new Uint8Array([0, 1, 1, 0, 0, 1]),
  };
  return Object.fromEntries(SAFETENSORS_DTYPES.map((dtype) => [`t.${dtype.toLowerCase()}`, { dtype, shape: [2, 3], data: make[dtype]!() }]));
}

describe("writeSafetensors()", () => {
  test("round-trips one tensor of every dtype through a file", async () => {
    const path = join(dir, "every-dtype.safetensors");
    const tensors = oneOfEach();
    await writeSafetensors(path, tensors, { format: "pt" });
    const back = await readSafetensors(path);
    expect([...back.keys()].sort()).toEqual(Object.keys(tensors).sort());
    for (const [name, tensor] of Object.entries(tensors)) {
      const read = back.get(name)!;
      expect(read.dtype, name).toBe(tensor.dtype);
      expect(read.shape, name).toEqual([2, 3]);
      expectSameValues(read.data as ArrayLike<number | bigint>, tensor.data as ArrayLike<number | bigint>, name);
    }
  });

  test("writes exactly the bytes encodeSafetensors builds in memory", async () => {
    const path = join(dir, "same-bytes.safetensors");
    const tensors = oneOfEach();
    await writeSafetensors(path, tensors, { format: "pt" });
    expect(Buffer.from(encodeSafetensors(tensors, { format: "pt" })).equals(readFileSync(path))).toBe(true);
  });

  test("replaces an existing file and leaves no temporary file behind", async () => {
    const path = join(dir, "replace.safetensors");
    writeFileSync(path, "old contents");
    await writeSafetensors(path, { w: { dtype: "F32", shape: [1], data: new Float32Array([3]) } });
    expect([...((await readSafetensors(path)).get("w")!.data as Float32Array)]).toEqual([3]);
    expect(readdirSync(dir).filter((name) => name.endsWith(".tmp"))).toEqual([]);
  });

  test("calls lazy data one tensor at a time, in file order, when its turn comes", async () => {
    const path = join(dir, "lazy.safetensors");
    const calls: string[] = [];
    let live = 0;
    let peak = 0;
    const lazy = (name: string, values: number[]): WritableTensor => ({
      dtype: "BF16",
      shape: [values.length],
      data: async () => {
        calls.push(name);
        live++;
        peak = Math.max(peak, live);
        await new Promise((resolve) => setTimeout(resolve, 1));
        live--;
        return new Float32Array(values);
      },
    });
    await writeSafetensors(path, { b: lazy("b", [1, 2]), a: lazy("a", [3]), c: lazy("c", [4, 5, 6]) });
    expect(calls).toEqual(["a", "b", "c"]);
    expect(peak).toBe(1);
    const back = await readSafetensors(path, { widen: true });
    expect([...(back.get("c")!.data as Float32Array)]).toEqual([4, 5, 6]);
  });

  test("a failure half-way leaves the old file untouched and removes the temporary file", async () => {
    const path = join(dir, "atomic.safetensors");
    await writeSafetensors(path, { w: { dtype: "F32", shape: [2], data: new Float32Array([1, 2]) } });
    const before = readFileSync(path);
    const failing = {
      a: { dtype: "F32" as const, shape: [1024], data: new Float32Array(1024) },
      b: {
        dtype: "F32" as const,
        shape: [2],
        data: () => {
          throw new Error("the GPU went away");
        },
      },
    };
    await expect(writeSafetensors(path, failing)).rejects.toThrow("the GPU went away");
    const wrongLength = { b: { dtype: "F32" as const, shape: [3], data: () => new Float32Array(2) } };
    await expectSafetensorsError(writeSafetensors(path, wrongLength), "INPUT_INVALID", path, 'tensor "b"', "3 elements");
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(readdirSync(dir).filter((name) => name.endsWith(".tmp"))).toEqual([]);
  });

  test("checks eager data before creating any file", async () => {
    const path = join(dir, "never.safetensors");
    await expectSafetensorsError(writeSafetensors(path, { w: { dtype: "F32", shape: [3], data: new Float32Array(2) } }), "INPUT_INVALID", 'tensor "w"');
    expect(readdirSync(dir).some((name) => name.includes("never"))).toBe(false);
  });

  test("stops when the signal is aborted, leaving the old file", async () => {
    const path = join(dir, "aborted.safetensors");
    await writeSafetensors(path, {});
    const before = readFileSync(path);
    const controller = new AbortController();
    const tensors = {
      a: { dtype: "U8" as const, shape: [1], data: new Uint8Array(1) },
      b: {
        dtype: "U8" as const,
        shape: [1],
        data: () => {
          controller.abort();
          return new Uint8Array(1);
        },
      },
    };
    await expect(writeSafetensors(path, tensors, undefined, { signal: controller.signal })).rejects.toThrow(/abort/i);
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(readdirSync(dir).filter((name) => name.endsWith(".tmp"))).toEqual([]);
  });

  test.skipIf(process.platform === "win32")("creates the file with the given mode", async () => {
    const path = join(dir, "mode.safetensors");
    await writeSafetensors(path, {}, undefined, { mode: 0o600 });
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  test("writes a multi-megabyte tensor from a view into a larger buffer", async () => {
    const path = join(dir, "view.safetensors");
    const backing = new Float32Array(1_000_003);
    for (let i = 0; i < backing.length; i++) backing[i] = i;
    const view = backing.subarray(3);
    await writeSafetensors(path, { big: { dtype: "F32", shape: [1000, 1000], data: view } });
    const { data } = (await readSafetensors(path)).get("big")!;
    expect(data.length).toBe(1_000_000);
    expect([(data as Float32Array)[0], (data as Float32Array)[999_999]]).toEqual([3, 1_000_002]);
  });
});

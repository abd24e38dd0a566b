import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { beforeEach, describe, expect, test, vi } from "vitest";
import { readSafetensors } from "./read_safetensors.ts";
import { readSafetensorsHeader } from "./read_safetensors_header.ts";
import type { Tensor } from "./tensor.ts";
import { EXPECTED, expectedValue, expectSafetensorsError, expectSameValues, type ExpectedTensor, FIXTURES } from "./_test_util.ts";

const io = vi.hoisted(() => ({ reads: [] as { length: number; position: number }[] }));
vi.mock("node:fs/promises", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:fs/promises")>();
  const open: typeof actual.open = async (...args) => {
    const handle = await actual.open(...args);
    const read = handle.read.bind(handle) as (buffer: Uint8Array, offset: number, length: number, position: number) => ReturnType<typeof handle.read>;
    handle.read = ((buffer: Uint8Array, offset: number, length: number, position: number) => {
      io.reads.push({ length, position });
      return read(buffer, offset, length, position);
    }) as typeof handle.read;
    return handle;
  };
  return { ...actual, open };
});

beforeEach(() => {
  io.reads.length = 0;
});

/** Checks a tensor read from a fixture against what numpy/torch wrote into it. */
function expectFixtureTensor(name: string, tensor: Tensor, expected: ExpectedTensor, widened: boolean): void {
  const half = expected.dtype === "F16" || expected.dtype === "BF16";
  expect(tensor.shape, name).toEqual(expected.shape);
  if (half && !widened) {
    expect(tensor.dtype, name).toBe(expected.dtype);
    expect(tensor.data, name).toBeInstanceOf(Uint16Array);
    expectSameValues(tensor.data as Uint16Array, expected.bits!, name);
    return;
  }
  expect(tensor.dtype, name).toBe(half ? "F32" : expected.dtype);
  const values = expected.values.map((v) => expectedValue(v, expected.dtype));
  expectSameValues(tensor.data as ArrayLike<number | bigint>, values, name);
}

const ARRAY_TYPES: Record<string, unknown> = {
  F64: Float64Array,
  F32: Float32Array,
  F16: Uint16Array,
  BF16: Uint16Array,
  I64: BigInt64Array,
  U64: BigUint64Array,
  I32: Int32Array,
  U32: Uint32Array,
  I16: Int16Array,
  U16: Uint16Array,
  I8: Int8Array,
  U8: Uint8Array,
  BOOL: Uint8Array,
};

describe("readSafetensors()", () => {
  for (const file of ["dtypes.safetensors", "unaligned.safetensors", "single/model.safetensors"]) {
    test(`reads every tensor of ${file} (written by numpy) exactly, raw and widened`, async () => {
      const expected = EXPECTED.files[file]!;
      for (const widen of [false, true]) {
        const tensors = await readSafetensors(join(FIXTURES, file), { widen });
        expect([...tensors.keys()].sort()).toEqual(Object.keys(expected.tensors).sort());
        for (const [name, tensor] of tensors) expectFixtureTensor(name, tensor, expected.tensors[name]!, widen);
      }
    });
  }

  test("gives each dtype its typed array", async () => {
    const tensors = await readSafetensors(join(FIXTURES, "dtypes.safetensors"));
    for (const [name, tensor] of tensors) expect(tensor.data, name).toBeInstanceOf(ARRAY_TYPES[tensor.dtype] as typeof Uint8Array);
  });

  test("bf16 values match torch's own float32 conversion, subnormals, infinities and NaN included", async () => {
    const { data } = (await readSafetensors(join(FIXTURES, "dtypes.safetensors"), { names: ["bf16"], widen: true })).get("bf16")!;
    expect(EXPECTED.bf16_source).toBe(EXPECTED.torch === null ? "numpy" : "torch");
    const values = [...(data as Float32Array)];
    expect(values).toContain(9.183549615799121e-41); // a bfloat16 subnormal
    expect(values).toContain(Number.POSITIVE_INFINITY);
    expect(values.some(Number.isNaN)).toBe(true);
  });

  test("reads only the byte ranges of the tensors asked for, by list or by test", async () => {
    const path = join(FIXTURES, "dtypes.safetensors");
    const header = await readSafetensorsHeader(path);
    io.reads.length = 0;
    const byList = await readSafetensors(path, { names: ["i32", "f16"] });
    expect([...byList.keys()]).toEqual(["i32", "f16"]); // file order
    const dataReads = io.reads.filter((r) => r.position >= header.dataOffset);
    expect(dataReads).toEqual(
      ["i32", "f16"].map((n) => ({ position: header.dataOffset + header.tensors[n]!.begin, length: header.tensors[n]!.end - header.tensors[n]!.begin })),
    );
    const byTest = await readSafetensors(path, { names: (name) => name.startsWith("u") });
    expect([...byTest.keys()].sort()).toEqual(["u16", "u32", "u64", "u8"]);
    expect((await readSafetensors(path, { names: [] })).size).toBe(0);
  });

  test("a name the file lacks is an error listing names it has", async () => {
    const path = join(FIXTURES, "unaligned.safetensors");
    await expectSafetensorsError(readSafetensors(path, { names: ["a.weight", "missing"] }), "TENSOR_NOT_FOUND", path, 'tensor "missing"', '"a.weight"');
  });

  test("takes a file: URL", async () => {
    const tensors = await readSafetensors(pathToFileURL(join(FIXTURES, "unaligned.safetensors")), { names: ["b.bytes"] });
    expect([...(tensors.get("b.bytes")!.data as Uint8Array)]).toEqual([1, 2, 3]);
  });

  test("stops when the signal is aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(readSafetensors(join(FIXTURES, "dtypes.safetensors"), { signal: controller.signal })).rejects.toThrow(/abort/i);
  });

  test("a file that does not exist is the file system's error", async () => {
    await expect(readSafetensors(join(FIXTURES, "nope.safetensors"))).rejects.toThrow(/ENOENT/);
  });
});

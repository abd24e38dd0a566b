import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { decodeSafetensors } from "./decode_safetensors.ts";
import { dtypeSize, SAFETENSORS_DTYPES, type SafetensorsDtype } from "./dtypes.ts";
import { encodeSafetensors } from "./encode_safetensors.ts";
import { readSafetensors } from "./read_safetensors.ts";
import { readSafetensorsHeader } from "./read_safetensors_header.ts";
import type { Tensor, TensorData } from "./tensor.ts";
import { expectSafetensorsError, expectSameValues, FIXTURES } from "./_test_util.ts";

const headerText = (bytes: Uint8Array): string => {
  const length = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return new TextDecoder().decode(bytes.subarray(8, 8 + length));
};

/** Random data of `count` elements of a dtype, as the typed array the reader returns. */
function dataOf(dtype: SafetensorsDtype, bytes: Uint8Array): TensorData {
  const buffer = bytes.slice().buffer;
  const count = bytes.length / dtypeSize(dtype);
  switch (dtype) {
    case "F64":
      return new Float64Array(buffer, 0, count);
    case "F32":
      return new Float32Array(buffer, 0, count);
    case "I64":
      return new BigInt64Array(buffer, 0, count);
    case "U64":
      return new BigUint64Array(buffer, 0, count);
    case "I32":
      return new Int32Array(buffer, 0, count);
    case "U32":
      return new Uint32Array(buffer, 0, count);
    case "I16":
      return new Int16Array(buffer, 0, count);
    case "U16":
    case "F16":
    case "BF16":
      return new Uint16Array(buffer, 0, count);
    case "I8":
      return new Int8Array(buffer, 0, count);
    case "BOOL":
      return new Uint8Array(buffer, 0, count).map((b) => b & 1);
    case "U8":
      return new Uint8Array(buffer, 0, count);
  }
}

const tensorArbitrary: fc.Arbitrary<Tensor> = fc
  .tuple(fc.constantFrom(...SAFETENSORS_DTYPES), fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 3 }))
  .chain(([dtype, shape]) => {
    const count = shape.reduce((a, b) => a * b, 1);
    return fc.uint8Array({ minLength: count * dtypeSize(dtype), maxLength: count * dtypeSize(dtype) }).map((bytes) => ({ dtype, shape, data: dataOf(dtype, bytes) }));
  });

describe("encodeSafetensors()", () => {
  test("writes the same bytes as the hand-made numpy file of every dtype (the reference writer's layout)", async () => {
    const path = join(FIXTURES, "dtypes.safetensors");
    const { metadata } = await readSafetensorsHeader(path);
    const tensors = Object.fromEntries(await readSafetensors(path));
    expect(Buffer.from(encodeSafetensors(tensors, metadata)).equals(readFileSync(path))).toBe(true);
  });

  test("pads the header with spaces to a multiple of 8, as the reference writer does", () => {
    // The reference writer's own test vectors: an empty file is `{}` and six spaces, and one F32
    // tensor "attn.0" of shape [1, 2, 3] has a 64-byte header with no padding needed.
    const empty = encodeSafetensors({});
    expect([...empty.subarray(0, 8)]).toEqual([8, 0, 0, 0, 0, 0, 0, 0]);
    expect(headerText(empty)).toBe("{}      ");
    const one = encodeSafetensors({ "attn.0": { dtype: "F32", shape: [1, 2, 3], data: new Float32Array([0, 1, 2, 3, 4, 5]) } });
    expect(headerText(one)).toBe('{"attn.0":{"dtype":"F32","shape":[1,2,3],"data_offsets":[0,24]}}');
    expect(one.length).toBe(8 + 64 + 24);
    const padded = encodeSafetensors({ attn0: { dtype: "F32", shape: [1, 1, 2, 3], data: new Float32Array(6) } });
    expect(headerText(padded)).toMatch(/^\{.*\} {7}$/);
    expect(headerText(padded).length % 8).toBe(0);
  });

  test("puts metadata first and orders tensors by descending alignment, then by UTF-8 name", () => {
    const bytes = encodeSafetensors(
      {
        b: { dtype: "U8", shape: [1], data: new Uint8Array([1]) },
        "10": { dtype: "F32", shape: [1], data: new Float32Array([1]) },
        a: { dtype: "U8", shape: [1], data: new Uint8Array([2]) },
        "\u{1F600}": { dtype: "I64", shape: [1], data: new BigInt64Array([1n]) },
        "\uFFFD": { dtype: "I64", shape: [1], data: new BigInt64Array([2n]) },
        h: { dtype: "BF16", shape: [1], data: new Uint16Array([1]) },
        "2": { dtype: "F32", shape: [1], data: new Float32Array([1]) },
      },
      { format: "pt" },
    );
    const keys = [...headerText(bytes).matchAll(/"([^"]+)":\{/g)].map((m) => m[1]);
    // By UTF-8 bytes U+FFFD (EF BF BD) sorts before U+1F600 (F0 9F 98 80); by UTF-16 it would not.
    expect(keys).toEqual(["__metadata__", "\uFFFD", "\u{1F600}", "10", "2", "h", "a", "b"]);
  });

  test("every tensor starts at a multiple of its element size in the file", async () => {
    const bytes = encodeSafetensors({
      odd: { dtype: "U8", shape: [3], data: new Uint8Array(3) },
      half: { dtype: "F16", shape: [3], data: new Uint16Array(3) },
      single: { dtype: "F32", shape: [1], data: new Float32Array(1) },
      double: { dtype: "F64", shape: [1], data: new Float64Array(1) },
    });
    const header = await readSafetensorsHeader(bytes);
    expect(header.dataOffset % 8).toBe(0);
    for (const info of Object.values(header.tensors)) expect((header.dataOffset + info.begin) % dtypeSize(info.dtype)).toBe(0);
  });

  test("round-trips every dtype through decodeSafetensors", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }).filter((n) => n !== "__metadata__"), tensorArbitrary, { maxKeys: 6 }), (tensors) => {
        const decoded = decodeSafetensors(encodeSafetensors(tensors));
        expect([...decoded.keys()].sort()).toEqual(Object.keys(tensors).sort());
        for (const [name, tensor] of Object.entries(tensors)) {
          const back = decoded.get(name)!;
          expect(back.dtype).toBe(tensor.dtype);
          expect(back.shape).toEqual(tensor.shape);
          expect(back.data.constructor).toBe(tensor.data.constructor);
          expectSameValues(back.data as ArrayLike<number | bigint>, tensor.data as ArrayLike<number | bigint>, name);
        }
      }),
      { numRuns: 300 },
    );
  });

  test("rounds Float32Array data to F16/BF16, and takes raw little-endian bytes for any dtype", () => {
    const bytes = encodeSafetensors({
      h: { dtype: "F16", shape: [3], data: new Float32Array([1, 0.1, 1e6]) },
      b: { dtype: "BF16", shape: [2], data: new Float32Array([1, Math.PI]) },
      raw: { dtype: "I32", shape: [2], data: new Uint8Array([1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]) },
    });
    const decoded = decodeSafetensors(bytes);
    expect([...(decoded.get("h")!.data as Uint16Array)]).toEqual([0x3c00, 0x2e66, 0x7c00]);
    expect([...(decoded.get("b")!.data as Uint16Array)]).toEqual([0x3f80, 0x4049]);
    expect([...(decoded.get("raw")!.data as Int32Array)]).toEqual([1, -1]);
  });

  test("rejects what it cannot write, naming the tensor", async () => {
    const f32 = new Float32Array(2);
    await expectSafetensorsError(() => encodeSafetensors({ w: { dtype: "F31" as SafetensorsDtype, shape: [2], data: f32 } }), "INPUT_INVALID", 'tensor "w"', '"F31"');
    await expectSafetensorsError(() => encodeSafetensors({ w: { dtype: "F32", shape: [3], data: f32 } }), "INPUT_INVALID", 'tensor "w"', "3 elements", "has 2");
    await expectSafetensorsError(() => encodeSafetensors({ w: { dtype: "F32", shape: [-2], data: f32 } }), "INPUT_INVALID", "non-negative integers");
    await expectSafetensorsError(() => encodeSafetensors({ w: { dtype: "I32", shape: [2], data: f32 } }), "INPUT_INVALID", "Int32Array", "Float32Array");
    await expectSafetensorsError(() => encodeSafetensors({ w: { dtype: "F64", shape: [2], data: new Uint8Array(15) } }), "INPUT_INVALID", "16 bytes", "15");
    await expectSafetensorsError(() => encodeSafetensors({ w: { dtype: "BOOL", shape: [2], data: new Uint8Array([1, 2]) } }), "INPUT_INVALID", "element 1 is 2");
    await expectSafetensorsError(() => encodeSafetensors({ __metadata__: { dtype: "F32", shape: [2], data: f32 } }), "INPUT_INVALID", "reserved");
    await expectSafetensorsError(() => encodeSafetensors({ "\uD800": { dtype: "F32", shape: [2], data: f32 } }), "INPUT_INVALID", "surrogate");
    await expectSafetensorsError(() => encodeSafetensors({}, { epoch: 3 } as unknown as Record<string, string>), "INPUT_INVALID", '"epoch"');
    const lazy = { dtype: "F32", shape: [2], data: () => f32 } as unknown as Tensor;
    await expectSafetensorsError(() => encodeSafetensors({ w: lazy }), "INPUT_INVALID", "writeSafetensors");
    const plain = { dtype: "F32", shape: [2], data: [1, 2] } as unknown as Tensor;
    await expectSafetensorsError(() => encodeSafetensors({ w: plain }), "INPUT_INVALID", "plain array");
  });
});

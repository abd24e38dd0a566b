import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import fc from "fast-check";
import { beforeEach, describe, expect, test, vi } from "vitest";
import { SAFETENSORS_MAX_HEADER_BYTES } from "./constants.ts";
import { decodeSafetensors } from "./decode_safetensors.ts";
import { readSafetensorsHeader } from "./read_safetensors_header.ts";
import { SafetensorsError } from "./safetensors_error.ts";
import { craft, EXPECTED, expectSafetensorsError, FIXTURES, temporaryDirectory, writeTemporary } from "./_test_util.ts";

// Every positioned read the package makes, to prove that a malformed length is never used as a
// read (or allocation) size.
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

const dir = temporaryDirectory();
const f32 = (shape: number[], begin: number, end: number) => ({ dtype: "F32", shape, data_offsets: [begin, end] });

beforeEach(() => {
  io.reads.length = 0;
});

describe("readSafetensorsHeader()", () => {
  test("reads the header of a file written by numpy, and no tensor bytes", async () => {
    const path = join(FIXTURES, "dtypes.safetensors");
    const header = await readSafetensorsHeader(path);
    const expected = EXPECTED.files["dtypes.safetensors"]!;
    expect(header.metadata).toEqual(expected.metadata);
    expect(Object.keys(header.tensors).sort()).toEqual(Object.keys(expected.tensors).sort());
    for (const [name, info] of Object.entries(header.tensors)) {
      expect(info.dtype, name).toBe(expected.tensors[name]!.dtype);
      expect(info.shape, name).toEqual(expected.tensors[name]!.shape);
    }
    const length = Number(readFileSync(path).readBigUInt64LE(0));
    expect(header.dataOffset).toBe(8 + length);
    expect(header.dataOffset % 8).toBe(0);
    expect(io.reads.every((r) => r.position + r.length <= header.dataOffset)).toBe(true);
  });

  test("gives each tensor's byte range relative to the data region, tiling it in order", async () => {
    const header = await readSafetensorsHeader(join(FIXTURES, "dtypes.safetensors"));
    const ranges = Object.values(header.tensors).sort((a, b) => a.begin - b.begin);
    let cursor = 0;
    for (const { begin, end } of ranges) {
      expect(begin).toBe(cursor);
      cursor = end;
    }
    expect(header.dataOffset + cursor).toBe(readFileSync(join(FIXTURES, "dtypes.safetensors")).length);
    expect(header.tensors["scalar"]).toMatchObject({ dtype: "F32", shape: [] });
    expect(header.tensors["empty"]).toMatchObject({ dtype: "F32", shape: [0, 3] });
  });

  test("reads an unpadded header of odd length", async () => {
    const header = await readSafetensorsHeader(join(FIXTURES, "unaligned.safetensors"));
    expect(header.dataOffset % 2).toBe(1);
    expect(Object.keys(header.tensors).sort()).toEqual(["a.weight", "b.bytes", "c.half", "d.ids"]);
  });

  test("takes the bytes of a whole file or a file: URL, with the same result", async () => {
    const path = join(FIXTURES, "dtypes.safetensors");
    const fromPath = await readSafetensorsHeader(path);
    expect(await readSafetensorsHeader(new Uint8Array(readFileSync(path)))).toEqual(fromPath);
    expect(await readSafetensorsHeader(pathToFileURL(path))).toEqual(fromPath);
  });

  test("accepts zero-sized tensors, a scalar and a header padded with spaces", async () => {
    const header = { __metadata__: { format: "pt" }, a: f32([0], 0, 0), b: f32([], 0, 4), c: f32([2, 0, 5], 4, 4) };
    const path = writeTemporary(dir, craft(`${JSON.stringify(header)}       `, 4));
    const result = await readSafetensorsHeader(path);
    expect(result.tensors).toEqual({
      a: { dtype: "F32", shape: [0], begin: 0, end: 0 },
      b: { dtype: "F32", shape: [], begin: 0, end: 4 },
      c: { dtype: "F32", shape: [2, 0, 5], begin: 4, end: 4 },
    });
  });

  test("keeps a tensor named __proto__ as an ordinary name", async () => {
    // An object literal's __proto__ sets the prototype, so the header text is written by hand.
    const bytes = craft('{"__proto__":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', 4);
    const header = await readSafetensorsHeader(writeTemporary(dir, bytes));
    expect(Object.keys(header.tensors)).toEqual(["__proto__"]);
    expect(Object.getPrototypeOf(header.tensors)).toBe(Object.prototype);
  });
});

describe("readSafetensorsHeader() on malformed files", () => {
  test("an empty or 3-byte file: too small, naming the file", async () => {
    const empty = writeTemporary(dir, new Uint8Array(0));
    await expectSafetensorsError(readSafetensorsHeader(empty), "HEADER_TOO_SMALL", empty, "0 bytes");
    await expectSafetensorsError(readSafetensorsHeader(writeTemporary(dir, new Uint8Array(3))), "HEADER_TOO_SMALL", "3 bytes");
  });

  test("a header length of 2^64 − 1 is refused before anything that size is read or allocated", async () => {
    const path = writeTemporary(dir, craft({}, 0, 2n ** 64n - 1n));
    const error = await expectSafetensorsError(readSafetensorsHeader(path), "HEADER_TOO_LARGE", path, "18446744073709551615", "limit");
    expect(error.file).toBe(path);
    expect(Math.max(...io.reads.map((r) => r.length))).toBe(8);
  });

  test("a header length under the cap but past the end of the file: truncated, no read of that size", async () => {
    const path = writeTemporary(dir, craft({}, 0, BigInt(SAFETENSORS_MAX_HEADER_BYTES - 1)));
    await expectSafetensorsError(readSafetensorsHeader(path), "HEADER_LENGTH", path, String(SAFETENSORS_MAX_HEADER_BYTES - 1), "truncated");
    expect(Math.max(...io.reads.map((r) => r.length))).toBe(8);
  });

  test("a ZIP file (a PyTorch .bin) is recognised in the message", async () => {
    const zip = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 1, 2, 3]);
    await expectSafetensorsError(readSafetensorsHeader(writeTemporary(dir, zip)), "HEADER_TOO_LARGE", "PyTorch");
  });

  test("a truncated file: the offsets run past the end", async () => {
    const bytes = readFileSync(join(FIXTURES, "dtypes.safetensors"));
    const path = writeTemporary(dir, bytes.subarray(0, bytes.length - 5));
    await expectSafetensorsError(readSafetensorsHeader(path), "OFFSETS_INVALID", path, "truncated");
  });

  test("a header that is not UTF-8, not JSON, or not an object", async () => {
    const notUtf8 = craft("{}");
    notUtf8[8] = 0xff;
    await expectSafetensorsError(readSafetensorsHeader(writeTemporary(dir, notUtf8)), "HEADER_INVALID", "UTF-8");
    await expectSafetensorsError(readSafetensorsHeader(writeTemporary(dir, craft('{"a": {'))), "HEADER_INVALID", "not valid JSON", '{\\"a\\": {');
    for (const text of ["[]", "null", "42", '"x"']) {
      await expectSafetensorsError(readSafetensorsHeader(writeTemporary(dir, craft(text))), "HEADER_INVALID", "JSON object");
    }
  });

  test("a name given twice is an error, not silently the last one", async () => {
    const text = '{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}';
    const error = await expectSafetensorsError(readSafetensorsHeader(writeTemporary(dir, craft(text, 4))), "DUPLICATE_NAME", 'tensor "w"', "twice");
    expect(error.tensor).toBe("w");
  });

  test("__metadata__ that is not an object of strings", async () => {
    await expectSafetensorsError(readSafetensorsHeader(writeTemporary(dir, craft({ __metadata__: { epoch: 3 } }))), "METADATA_INVALID", '"epoch"', "3");
    await expectSafetensorsError(readSafetensorsHeader(writeTemporary(dir, craft({ __metadata__: ["pt"] }))), "METADATA_INVALID");
  });

  test("an entry that is not an object, or lacks a string dtype", async () => {
    await expectSafetensorsError(readSafetensorsHeader(writeTemporary(dir, craft({ w: [1, 2] }))), "TENSOR_INVALID", 'tensor "w"', "[1,2]");
    await expectSafetensorsError(readSafetensorsHeader(writeTemporary(dir, craft({ w: { shape: [1], data_offsets: [0, 4] } }, 4))), "TENSOR_INVALID", '"dtype"');
  });

  test("an unknown dtype, and a valid one this package does not read", async () => {
    const unknown = writeTemporary(dir, craft({ w: { dtype: "F31", shape: [1], data_offsets: [0, 4] } }, 4));
    await expectSafetensorsError(readSafetensorsHeader(unknown), "DTYPE_UNKNOWN", unknown, 'tensor "w"', '"F31"', "BF16");
    const fp8 = writeTemporary(dir, craft({ w: { dtype: "F8_E4M3", shape: [4], data_offsets: [0, 4] } }, 4));
    await expectSafetensorsError(readSafetensorsHeader(fp8), "DTYPE_UNSUPPORTED", "F8_E4M3", "valid safetensors");
  });

  test("a shape that is not a list of non-negative integers", async () => {
    for (const shape of [[-1], [1.5], "4", [2 ** 53], [null], {}]) {
      const path = writeTemporary(dir, craft({ w: { dtype: "U8", shape, data_offsets: [0, 4] } }, 4));
      await expectSafetensorsError(readSafetensorsHeader(path), "SHAPE_INVALID", 'tensor "w"', JSON.stringify(shape));
    }
  });

  test("offsets that are malformed, backwards, or past the data region", async () => {
    for (const offsets of [[0], [0, 4, 8], [-4, 0], [0, "4"], [0, 2 ** 60]]) {
      const path = writeTemporary(dir, craft({ w: { dtype: "U8", shape: [4], data_offsets: offsets } }, 4));
      await expectSafetensorsError(readSafetensorsHeader(path), "OFFSETS_INVALID", 'tensor "w"');
    }
    const backwards = writeTemporary(dir, craft({ w: { dtype: "U8", shape: [0], data_offsets: [4, 0] } }, 4));
    await expectSafetensorsError(readSafetensorsHeader(backwards), "OFFSETS_INVALID", "[4, 0]", "end before");
    const past = writeTemporary(dir, craft({ w: f32([4], 0, 16) }, 8));
    await expectSafetensorsError(readSafetensorsHeader(past), "OFFSETS_INVALID", "[0, 16]", "8 bytes");
  });

  test("a byte length that does not match shape × dtype size, also for absurd shapes", async () => {
    const path = writeTemporary(dir, craft({ w: f32([3], 0, 8) }, 8));
    await expectSafetensorsError(readSafetensorsHeader(path), "BYTE_LENGTH", 'tensor "w"', "needs 12 bytes", "span 8");
    const huge = writeTemporary(dir, craft({ w: f32([2 ** 40, 2 ** 40, 2 ** 40], 0, 8) }, 8));
    await expectSafetensorsError(readSafetensorsHeader(huge), "BYTE_LENGTH", "more than 8");
  });

  test("overlapping tensors, naming both", async () => {
    const path = writeTemporary(dir, craft({ a: f32([2], 0, 8), b: f32([2], 4, 12) }, 12));
    const error = await expectSafetensorsError(readSafetensorsHeader(path), "OVERLAP", 'tensor "b"', '"a"', "[0, 8]", "[4, 12]");
    expect(error.tensor).toBe("b");
    // Two tensors on the very same bytes are an overlap too.
    await expectSafetensorsError(readSafetensorsHeader(writeTemporary(dir, craft({ a: f32([1], 0, 4), b: f32([1], 0, 4) }, 4))), "OVERLAP");
  });

  test("gaps: before the first tensor, between tensors, and trailing bytes", async () => {
    await expectSafetensorsError(readSafetensorsHeader(writeTemporary(dir, craft({ a: f32([1], 4, 8) }, 8))), "GAP", "[0, 4)");
    await expectSafetensorsError(readSafetensorsHeader(writeTemporary(dir, craft({ a: f32([1], 0, 4), b: f32([1], 8, 12) }, 12))), "GAP", 'tensor "b"', "[4, 8)", '"a"');
    await expectSafetensorsError(readSafetensorsHeader(writeTemporary(dir, craft({ a: f32([1], 0, 4) }, 7))), "GAP", "3 trailing bytes");
  });

  test("never anything but a SafetensorsError, whatever bytes of a valid file are changed or cut", () => {
    const valid = new Uint8Array(readFileSync(join(FIXTURES, "unaligned.safetensors")));
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        fc.nat(valid.length),
        (edits, cut) => {
          const bytes = valid.slice(0, Math.max(cut, valid.length - 8));
          for (const [at, value] of edits) if (at < bytes.length) bytes[at] = value;
          try {
            decodeSafetensors(bytes, { widen: true });
          } catch (error) {
            if (!(error instanceof SafetensorsError)) throw error;
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

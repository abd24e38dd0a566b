import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { decodeSafetensors } from "./decode_safetensors.ts";
import { readSafetensors } from "./read_safetensors.ts";
import { expectSafetensorsError, FIXTURES } from "./_test_util.ts";

describe("decodeSafetensors()", () => {
  test("decodes the same tensors as readSafetensors reads from the file", async () => {
    for (const file of ["dtypes.safetensors", "unaligned.safetensors"]) {
      const path = join(FIXTURES, file);
      for (const widen of [false, true]) {
        expect(decodeSafetensors(new Uint8Array(readFileSync(path)), { widen })).toEqual(await readSafetensors(path, { widen }));
      }
    }
  });

  test("copies each tensor into its own aligned buffer, even from a misaligned view", () => {
    const file = readFileSync(join(FIXTURES, "unaligned.safetensors"));
    const shifted = new Uint8Array(file.length + 1);
    shifted.set(file, 1);
    const bytes = shifted.subarray(1);
    const tensors = decodeSafetensors(bytes, { names: ["a.weight"] });
    const { data } = tensors.get("a.weight")!;
    expect([...(data as Float32Array)]).toEqual([0, 0.25, 0.5, 0.75, 1, 1.25]);
    expect(data.buffer).not.toBe(shifted.buffer);
    bytes.fill(0);
    expect((data as Float32Array)[1]).toBe(0.25);
  });

  test("names the in-memory buffer in errors", async () => {
    await expectSafetensorsError(() => decodeSafetensors(new Uint8Array(4)), "HEADER_TOO_SMALL", "<bytes>");
    const file = new Uint8Array(readFileSync(join(FIXTURES, "unaligned.safetensors")));
    await expectSafetensorsError(() => decodeSafetensors(file, { names: ["nope"] }), "TENSOR_NOT_FOUND", "<bytes>", 'tensor "nope"');
  });
});

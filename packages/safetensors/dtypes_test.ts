import { describe, expect, test } from "vitest";
import { dtypeSize, isSafetensorsDtype, SAFETENSORS_DTYPES } from "./dtypes.ts";

describe("dtypeSize()", () => {
  test("gives the element size of every dtype, in non-decreasing order of the list", () => {
    expect(SAFETENSORS_DTYPES.map(dtypeSize)).toEqual([1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 8, 8, 8]);
  });
});

describe("isSafetensorsDtype()", () => {
  test("knows the supported names and nothing else", () => {
    for (const dtype of SAFETENSORS_DTYPES) expect(isSafetensorsDtype(dtype)).toBe(true);
    for (const other of ["F8_E4M3", "f32", "toString", "__proto__", 4, undefined]) expect(isSafetensorsDtype(other)).toBe(false);
  });
});

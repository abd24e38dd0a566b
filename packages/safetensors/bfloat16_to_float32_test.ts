import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { bfloat16ToFloat32 } from "./bfloat16_to_float32.ts";
import { referenceBfloat16 } from "./_test_float_reference.ts";

describe("bfloat16ToFloat32()", () => {
  test("matches (-1)^s·2^(e−127)·(1+m/128) for all 65 536 bfloat16 values", () => {
    const floats = bfloat16ToFloat32(Uint16Array.from({ length: 0x10000 }, (_, i) => i));
    for (let bits = 0; bits < 0x10000; bits++) {
      const expected = referenceBfloat16(bits);
      if (!Object.is(floats[bits], expected)) expect.fail(`0x${bits.toString(16)}: got ${floats[bits]}, expected ${expected}`);
    }
  });

  test("property: every bfloat16 widens to the formula's value", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff }), (bits) => Object.is(bfloat16ToFloat32(new Uint16Array([bits]))[0], referenceBfloat16(bits))),
      { numRuns: 5000 },
    );
  });

  test("writes into `out`, and rejects one of the wrong length", () => {
    const out = new Float32Array(1);
    expect(bfloat16ToFloat32(new Uint16Array([0xc0a0]), out)).toBe(out);
    expect(out[0]).toBe(-5);
    expect(() => bfloat16ToFloat32(new Uint16Array(2), out)).toThrow(RangeError);
  });
});

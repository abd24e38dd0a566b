import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { float16ToFloat32 } from "./float16_to_float32.ts";
import { referenceHalf } from "./_test_float_reference.ts";

const ALL = Uint16Array.from({ length: 0x10000 }, (_, i) => i);

describe("float16ToFloat32()", () => {
  test("matches (-1)^s·2^(e−15)·(1+m/1024) for all 65 536 halves, subnormals, ±0, ±inf and NaN included", () => {
    const floats = float16ToFloat32(ALL);
    for (let bits = 0; bits < 0x10000; bits++) {
      const expected = referenceHalf(bits);
      if (!Object.is(floats[bits], expected)) expect.fail(`0x${bits.toString(16)}: got ${floats[bits]}, expected ${expected}`);
    }
  });

  test("property: every half widens to the formula's value", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffff }), (bits) => {
        const [value] = float16ToFloat32(new Uint16Array([bits]));
        return Object.is(value, referenceHalf(bits));
      }),
      { numRuns: 5000 },
    );
  });

  test("keeps a NaN's sign and payload in the float32 bits", () => {
    const out = float16ToFloat32(new Uint16Array([0x7e01, 0xfd55]));
    expect([...new Uint32Array(out.buffer)].map((b) => b.toString(16))).toEqual(["7fc02000", "ffaaa000"]);
  });

  test("writes into `out`, and rejects one of the wrong length", () => {
    const out = new Float32Array(2);
    expect(float16ToFloat32(new Uint16Array([0x3c00, 0x0001]), out)).toBe(out);
    expect([...out]).toEqual([1, 2 ** -24]);
    expect(() => float16ToFloat32(new Uint16Array(3), out)).toThrow(RangeError);
  });
});

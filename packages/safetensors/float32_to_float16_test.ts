import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { float16ToFloat32 } from "./float16_to_float32.ts";
import { float32ToFloat16 } from "./float32_to_float16.ts";
import { EXPECTED } from "./_test_util.ts";
import { floatFromBits, nearestEvenRounder, referenceHalf } from "./_test_float_reference.ts";

const roundToHalf = nearestEvenRounder(referenceHalf, 0x7bff, 2 ** 16);
const float32Values = fc.oneof(
  fc.float({ noNaN: true }),
  fc.integer({ min: 0, max: 0xffffffff }).map(floatFromBits).filter((x) => !Number.isNaN(x)),
  // Exponents where float16 is normal or subnormal, where the rounding has work to do.
  fc.tuple(fc.boolean(), fc.integer({ min: 100, max: 144 }), fc.integer({ min: 0, max: 0x7fffff })).map(([negative, e, m]) =>
    floatFromBits(((negative ? 0x80000000 : 0) + e * 2 ** 23 + m) >>> 0),
  ),
);

describe("float32ToFloat16()", () => {
  test("gives numpy's bits for every fixture pattern: ties, overflow, subnormals, NaN", () => {
    const { float32_bits: inputs, float16_bits: expected } = EXPECTED.conversions;
    const halves = float32ToFloat16(new Float32Array(new Uint32Array(inputs).buffer));
    for (let i = 0; i < inputs.length; i++) {
      if (halves[i] !== expected[i]) expect.fail(`0x${inputs[i]!.toString(16)}: got 0x${halves[i]!.toString(16)}, numpy 0x${expected[i]!.toString(16)}`);
    }
  });

  test("property: rounds to the nearest half, ties to even, overflowing to infinity", () => {
    fc.assert(
      fc.property(float32Values, (x) => float32ToFloat16(new Float32Array([x]))[0] === roundToHalf(x)),
      { numRuns: 20000 },
    );
  });

  test("returns every half unchanged after widening (all 65 536 patterns, NaN stays NaN)", () => {
    const all = Uint16Array.from({ length: 0x10000 }, (_, i) => i);
    const back = float32ToFloat16(float16ToFloat32(all));
    for (let bits = 0; bits < 0x10000; bits++) {
      const isNaN = (bits & 0x7c00) === 0x7c00 && (bits & 0x3ff) !== 0;
      if (isNaN ? Number.isNaN(referenceHalf(back[bits]!)) : back[bits] === bits) continue;
      expect.fail(`0x${bits.toString(16)} came back as 0x${back[bits]!.toString(16)}`);
    }
  });

  test("writes into `out`, and rejects one of the wrong length", () => {
    const out = new Uint16Array(3);
    expect([...float32ToFloat16(new Float32Array([1, 65520, 2 ** -25]), out)]).toEqual([0x3c00, 0x7c00, 0]);
    expect(() => float32ToFloat16(new Float32Array(1), out)).toThrow(RangeError);
  });
});

import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { bfloat16ToFloat32 } from "./bfloat16_to_float32.ts";
import { float32ToBfloat16 } from "./float32_to_bfloat16.ts";
import { EXPECTED } from "./_test_util.ts";
import { floatFromBits, nearestEvenRounder, referenceBfloat16 } from "./_test_float_reference.ts";

const roundToBfloat16 = nearestEvenRounder(referenceBfloat16, 0x7f7f, 2 ** 128);
const isNaNBits = (bits: number): boolean => (bits & 0x7f80) === 0x7f80 && (bits & 0x7f) !== 0;

describe("float32ToBfloat16()", () => {
  test(`gives ${EXPECTED.bf16_source}'s bits for every fixture pattern (NaN: NaN)`, () => {
    const { float32_bits: inputs, bfloat16_bits: expected } = EXPECTED.conversions;
    const out = float32ToBfloat16(new Float32Array(new Uint32Array(inputs).buffer));
    for (let i = 0; i < inputs.length; i++) {
      const same = isNaNBits(expected[i]!) ? isNaNBits(out[i]!) : out[i] === expected[i];
      if (!same) expect.fail(`0x${inputs[i]!.toString(16)}: got 0x${out[i]!.toString(16)}, expected 0x${expected[i]!.toString(16)}`);
    }
  });

  test("property: rounds to the nearest bfloat16, ties to even, overflowing to infinity", () => {
    const values = fc.oneof(fc.float({ noNaN: true }), fc.integer({ min: 0, max: 0xffffffff }).map(floatFromBits).filter((x) => !Number.isNaN(x)));
    fc.assert(
      fc.property(values, (x) => float32ToBfloat16(new Float32Array([x]))[0] === roundToBfloat16(x)),
      { numRuns: 20000 },
    );
  });

  test("keeps NaN a NaN with its sign, even when only low payload bits are set", () => {
    const out = float32ToBfloat16(new Float32Array(new Uint32Array([0x7f800001, 0xff800001, 0x7fc00000]).buffer));
    expect([...out].map((b) => b.toString(16))).toEqual(["7fc0", "ffc0", "7fc0"]);
  });

  test("returns every non-NaN bfloat16 unchanged after widening", () => {
    const all = Uint16Array.from({ length: 0x10000 }, (_, i) => i);
    const back = float32ToBfloat16(bfloat16ToFloat32(all));
    for (let bits = 0; bits < 0x10000; bits++) {
      if (isNaNBits(bits) ? !isNaNBits(back[bits]!) : back[bits] !== bits) expect.fail(`0x${bits.toString(16)} came back as 0x${back[bits]!.toString(16)}`);
    }
  });

  test("writes into `out`, and rejects one of the wrong length", () => {
    const out = new Uint16Array(1);
    expect(float32ToBfloat16(new Float32Array([-5]), out)).toBe(out);
    expect(out[0]).toBe(0xc0a0);
    expect(() => float32ToBfloat16(new Float32Array(2), out)).toThrow(RangeError);
  });
});

/** The half bit pattern nearest to the float32 bit pattern `x` (ties to even, like numpy's cast). */
function floatBitsToHalfBits(x: number): number {
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  const mantissa = x & 0x7fffff;
  if (exponent === 0xff) {
    if (mantissa === 0) return sign | 0x7c00;
    // NaN: keep the sign and the top of the payload (as numpy does); never let it become infinity.
    return sign | 0x7c00 | (mantissa >>> 13 || 1);
  }
  if (exponent >= 143) return sign | 0x7c00; // ≥ 2^16: beyond the largest half (65504) after any rounding
  if (exponent >= 113) {
    // Normal half: rebias 127 → 15 and round the 13 dropped bits. A carry out of the mantissa
    // correctly bumps the exponent, up to infinity (0x7c00) for values ≥ 65520.
    const half = ((exponent - 112) << 10) | (mantissa >>> 13);
    const rest = mantissa & 0x1fff;
    return sign | (half + (rest > 0x1000 || (rest === 0x1000 && (half & 1) === 1) ? 1 : 0));
  }
  if (exponent < 102) return sign; // below 2^-25, half of the smallest subnormal: rounds to ±0
  // Subnormal half, in units of 2^-24: the 24-bit significand shifted right by 14 to 24 places.
  const significand = mantissa | 0x800000;
  const shift = 126 - exponent;
  const half = significand >>> shift;
  const rest = significand & ((1 << shift) - 1);
  const midpoint = 1 << (shift - 1);
  // A carry from 0x3ff to 0x400 yields the smallest normal half, which is right.
  return sign | (half + (rest > midpoint || (rest === midpoint && (half & 1) === 1) ? 1 : 0));
}

/**
 * Rounds float32 values to IEEE 754 half precision (safetensors `F16`), to nearest with ties to
 * even: the bits numpy's `astype(np.float16)` gives. Values beyond ±65504 (after rounding) become
 * ±infinity, tiny ones become subnormals or ±0, NaN stays NaN.
 *
 * @param values The float32 values.
 * @param out Where to write the half bit patterns; a new array of the same length by default.
 * @throws {RangeError} when `out` has a different length.
 *
 * @example
 * ```ts
 * import { float32ToFloat16 } from "@ual/safetensors";
 *
 * float32ToFloat16(new Float32Array([1, 65504, 1e5, 0.1])); // Uint16Array [0x3c00, 0x7bff, 0x7c00, 0x2e66]
 * ```
 */
export function float32ToFloat16(values: Float32Array, out: Uint16Array = new Uint16Array(values.length)): Uint16Array {
  if (out.length !== values.length) throw new RangeError(`float32ToFloat16: out has ${out.length} elements, expected ${values.length}.`);
  const source = new Uint32Array(values.buffer, values.byteOffset, values.length);
  for (let i = 0; i < source.length; i++) out[i] = floatBitsToHalfBits(source[i]!);
  return out;
}

// Reference decoders and rounders for the conversion tests, written from the definitions rather
// than with bit tricks: a value is (-1)^s · 2^(e − bias) · (1 + m / 2^bits), and rounding is a
// search over the sorted representable values.

/** The value of a binary16 bit pattern, from the formula. */
export function referenceHalf(bits: number): number {
  const sign = bits >= 0x8000 ? -1 : 1;
  const e = Math.floor(bits / 1024) % 32;
  const m = bits % 1024;
  if (e === 31) return m === 0 ? sign * Infinity : Number.NaN;
  if (e === 0) return sign * 2 ** -14 * (m / 1024);
  return sign * 2 ** (e - 15) * (1 + m / 1024);
}

/** The value of a bfloat16 bit pattern, from the formula. */
export function referenceBfloat16(bits: number): number {
  const sign = bits >= 0x8000 ? -1 : 1;
  const e = Math.floor(bits / 128) % 256;
  const m = bits % 128;
  if (e === 255) return m === 0 ? sign * Infinity : Number.NaN;
  if (e === 0) return sign * 2 ** -126 * (m / 128);
  return sign * 2 ** (e - 127) * (1 + m / 128);
}

/** The float32 with the given bit pattern. */
export function floatFromBits(bits: number): number {
  return new Float32Array(new Uint32Array([bits]).buffer)[0]!;
}

/**
 * A round-to-nearest-even function for a format whose non-negative finite values, by increasing
 * bit pattern, are decode(0) … decode(maxFinite), and whose infinity is maxFinite + 1. Infinity is
 * treated as the next value after the largest finite one (2^(emax+1)), which is how IEEE 754
 * decides overflow.
 */
export function nearestEvenRounder(decode: (bits: number) => number, maxFinite: number, infinityValue: number): (x: number) => number {
  const values: number[] = [];
  for (let k = 0; k <= maxFinite; k++) values.push(decode(k));
  values.push(infinityValue);
  const signBit = 0x8000; // both 16-bit formats keep the sign in the top bit
  return (x: number): number => {
    const sign = x < 0 || Object.is(x, -0) ? signBit : 0;
    const a = Math.abs(x);
    if (a >= infinityValue) return sign + maxFinite + 1;
    let lo = 0;
    let hi = values.length - 1; // values[lo] ≤ a < values[hi]
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (values[mid]! <= a) lo = mid;
      else hi = mid;
    }
    const below = a - values[lo]!;
    const above = values[hi]! - a;
    const k = below < above ? lo : above < below ? hi : lo % 2 === 0 ? lo : hi;
    return sign + k;
  };
}

// float16 → float32 by table: 65 536 float32 bit patterns (256 KiB), built on first use. A lookup
// per element is several times faster than branching on the exponent in the loop, and working on
// bit patterns (Uint32Array) keeps NaN payloads exact, which storing through a Float32Array would
// not guarantee.

let table: Uint32Array | undefined;

/** The float32 bit pattern of IEEE 754 binary16 `bits` (exact: every half is a float). */
export function halfBitsToFloatBits(bits: number): number {
  const sign = (bits & 0x8000) << 16;
  const exponent = (bits >>> 10) & 0x1f;
  let mantissa = bits & 0x3ff;
  if (exponent === 0x1f) return (sign | 0x7f800000 | (mantissa << 13)) >>> 0; // ±inf, NaN keeps its payload
  if (exponent !== 0) return (sign | ((exponent + 112) << 23) | (mantissa << 13)) >>> 0; // rebias 15 → 127
  if (mantissa === 0) return sign >>> 0; // ±0
  // Subnormal half m·2^-24: shift the leading 1 up to the implicit-bit position, one exponent step
  // per shift, starting from the exponent of the smallest normal half (2^-14, biased 113).
  let floatExponent = 113;
  while ((mantissa & 0x400) === 0) {
    mantissa <<= 1;
    floatExponent--;
  }
  return (sign | (floatExponent << 23) | ((mantissa & 0x3ff) << 13)) >>> 0;
}

/** The table from half bits to float32 bits. */
export function halfTable(): Uint32Array {
  if (table === undefined) {
    table = new Uint32Array(0x10000);
    for (let bits = 0; bits < 0x10000; bits++) table[bits] = halfBitsToFloatBits(bits);
  }
  return table;
}

/**
 * Widens bfloat16 values (safetensors `BF16`, given as raw bits) to float32, exactly. A bfloat16 is
 * the upper half of a float32, so this is a 16-bit shift; subnormals, ±infinity and NaN carry over.
 *
 * @param bits The bfloat16 bit patterns.
 * @param out Where to write; a new array of the same length by default.
 * @throws {RangeError} when `out` has a different length.
 *
 * @example
 * ```ts
 * import { bfloat16ToFloat32 } from "@ual/safetensors";
 *
 * bfloat16ToFloat32(new Uint16Array([0x3f80, 0x4049])); // Float32Array [1, 3.140625]
 * ```
 */
export function bfloat16ToFloat32(bits: Uint16Array, out: Float32Array = new Float32Array(bits.length)): Float32Array {
  if (out.length !== bits.length) throw new RangeError(`bfloat16ToFloat32: out has ${out.length} elements, expected ${bits.length}.`);
  const target = new Uint32Array(out.buffer, out.byteOffset, out.length);
  for (let i = 0; i < bits.length; i++) target[i] = bits[i]! << 16;
  return out;
}

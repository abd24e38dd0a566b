import { halfTable } from "./_half_table.ts";

/**
 * Widens IEEE 754 half-precision values (safetensors `F16`, given as raw bits) to float32, exactly:
 * subnormals, ±0, ±infinity and NaN (with its payload) included.
 *
 * @param bits The half-precision bit patterns.
 * @param out Where to write; a new array of the same length by default.
 * @throws {RangeError} when `out` has a different length.
 *
 * @example
 * ```ts
 * import { float16ToFloat32 } from "@ual/safetensors";
 *
 * float16ToFloat32(new Uint16Array([0x3c00, 0xc000, 0x0001, 0x7c00]));
 * // Float32Array [1, -2, 5.960464477539063e-8, Infinity]
 * ```
 */
export function float16ToFloat32(bits: Uint16Array, out: Float32Array = new Float32Array(bits.length)): Float32Array {
  if (out.length !== bits.length) throw new RangeError(`float16ToFloat32: out has ${out.length} elements, expected ${bits.length}.`);
  const table = halfTable();
  const target = new Uint32Array(out.buffer, out.byteOffset, out.length);
  for (let i = 0; i < bits.length; i++) target[i] = table[bits[i]!]!;
  return out;
}

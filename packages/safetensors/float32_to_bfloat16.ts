/**
 * Rounds float32 values to bfloat16 (safetensors `BF16`), to nearest with ties to even, as
 * PyTorch's `tensor.to(torch.bfloat16)` does: values that round past the largest bfloat16 become
 * ±infinity, subnormals stay subnormal. NaN stays NaN with its sign (quiet bit set); PyTorch's own
 * NaN bits differ between its code paths (0x7FC0 or 0xFFFF), so only NaN-ness is promised.
 *
 * @param values The float32 values.
 * @param out Where to write the bfloat16 bit patterns; a new array of the same length by default.
 * @throws {RangeError} when `out` has a different length.
 *
 * @example
 * ```ts
 * import { float32ToBfloat16 } from "@ual/safetensors";
 *
 * float32ToBfloat16(new Float32Array([1, Math.PI])); // Uint16Array [0x3f80, 0x4049]
 * ```
 */
export function float32ToBfloat16(values: Float32Array, out: Uint16Array = new Uint16Array(values.length)): Uint16Array {
  if (out.length !== values.length) throw new RangeError(`float32ToBfloat16: out has ${out.length} elements, expected ${values.length}.`);
  const source = new Uint32Array(values.buffer, values.byteOffset, values.length);
  for (let i = 0; i < source.length; i++) {
    const x = source[i]!;
    if ((x & 0x7f800000) === 0x7f800000 && (x & 0x7fffff) !== 0) {
      out[i] = (x >>> 16) | 0x40;
      continue;
    }
    // Add just under half a unit of the kept part, plus its lowest bit, then truncate: round to
    // nearest, ties to even. No overflow past 2^32: the largest non-NaN pattern is 0xff800000.
    out[i] = (x + 0x7fff + ((x >>> 16) & 1)) >>> 16;
  }
  return out;
}

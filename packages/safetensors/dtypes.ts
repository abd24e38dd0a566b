/**
 * The element types this package reads and writes, by their safetensors names. The order is the
 * reference implementation's (huggingface/safetensors, `enum Dtype` in safetensors/src/tensor.rs):
 * increasing alignment, and within one size the order its writer sorts by.
 *
 * The format also names FP8, FP6, FP4 and complex types (`F8_E4M3`, `C64`, …); they are valid
 * safetensors but not read here, and {@linkcode readSafetensorsHeader} reports them as
 * unsupported rather than unknown.
 */
export const SAFETENSORS_DTYPES = [
  "BOOL",
  "U8",
  "I8",
  "I16",
  "U16",
  "F16",
  "BF16",
  "I32",
  "U32",
  "F32",
  "F64",
  "I64",
  "U64",
] as const;

/** A safetensors element type name, e.g. `"F32"` or `"BF16"`. */
export type SafetensorsDtype = (typeof SAFETENSORS_DTYPES)[number];

const SIZES: Readonly<Record<SafetensorsDtype, number>> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  F64: 8,
  I64: 8,
  U64: 8,
};

/**
 * Whether `value` is one of {@linkcode SAFETENSORS_DTYPES}.
 *
 * @example
 * ```ts
 * import { isSafetensorsDtype } from "@ual/safetensors";
 *
 * isSafetensorsDtype("BF16"); // true
 * isSafetensorsDtype("F8_E4M3"); // false: valid in the format, not read by this package
 * ```
 */
export function isSafetensorsDtype(value: unknown): value is SafetensorsDtype {
  return typeof value === "string" && Object.hasOwn(SIZES, value);
}

/**
 * The size in bytes of one element of `dtype`.
 *
 * @example
 * ```ts
 * import { dtypeSize } from "@ual/safetensors";
 *
 * dtypeSize("BF16"); // 2
 * ```
 */
export function dtypeSize(dtype: SafetensorsDtype): number {
  return SIZES[dtype];
}

import { HOST_IS_LITTLE_ENDIAN, littleEndianBytes } from "./_byte_order.ts";
import { dtypeSize, type SafetensorsDtype } from "./dtypes.ts";
import { float32ToBfloat16 } from "./float32_to_bfloat16.ts";
import { float32ToFloat16 } from "./float32_to_float16.ts";
import { SafetensorsError } from "./safetensors_error.ts";

// The typed array each dtype is stored from (F16/BF16: raw bits).
const ARRAY_OF: Readonly<Record<SafetensorsDtype, string>> = {
  F64: "Float64Array",
  F32: "Float32Array",
  F16: "Uint16Array",
  BF16: "Uint16Array",
  I64: "BigInt64Array",
  U64: "BigUint64Array",
  I32: "Int32Array",
  U32: "Uint32Array",
  I16: "Int16Array",
  U16: "Uint16Array",
  I8: "Int8Array",
  U8: "Uint8Array",
  BOOL: "Uint8Array",
};

/** The constructor name of a typed array, across realms; undefined for anything else. */
function arrayKind(data: unknown): string | undefined {
  if (!ArrayBuffer.isView(data) || data instanceof DataView) return undefined;
  return (data as unknown as { [Symbol.toStringTag]: string })[Symbol.toStringTag];
}

const isHalf = (dtype: SafetensorsDtype): boolean => dtype === "F16" || dtype === "BF16";

/**
 * Checks that `data` is an array a `dtype` tensor of `count` elements can be stored from: the
 * dtype's own typed array, a Float32Array for F16/BF16, or raw little-endian bytes.
 */
export function checkTensorData(dtype: SafetensorsDtype, count: number, data: unknown, where: { file: string; tensor: string }): void {
  const kind = arrayKind(data);
  const size = dtypeSize(dtype);
  const expected = ARRAY_OF[dtype];
  const alternatives = isHalf(dtype) ? " (raw bits) or a Float32Array" : "";
  if (kind === undefined) {
    const got = Array.isArray(data) ? "a plain array" : typeof data;
    throw new SafetensorsError("INPUT_INVALID", `${dtype} data must be a ${expected}${alternatives} or a Uint8Array of raw bytes, got ${got}.`, where);
  }
  const view = data as ArrayBufferView & { length: number };
  if (kind === "Uint8Array" && expected !== "Uint8Array") {
    if (view.byteLength !== count * size) {
      throw new SafetensorsError("INPUT_INVALID", `shape needs ${count} × ${size} = ${count * size} bytes, but the raw Uint8Array has ${view.byteLength}.`, where);
    }
    return;
  }
  if (kind !== expected && !(isHalf(dtype) && kind === "Float32Array")) {
    throw new SafetensorsError("INPUT_INVALID", `${dtype} data must be a ${expected}${alternatives} or a Uint8Array of raw bytes, got a ${kind}.`, where);
  }
  if (view.length !== count) {
    throw new SafetensorsError("INPUT_INVALID", `shape needs ${count} elements, but the ${kind} has ${view.length}.`, where);
  }
  if (dtype === "BOOL") {
    const bytes = view as Uint8Array;
    const bad = bytes.findIndex((b) => b > 1);
    if (bad !== -1) throw new SafetensorsError("INPUT_INVALID", `BOOL data must be 0 or 1, but element ${bad} is ${bytes[bad]}.`, where);
  }
}

/**
 * The little-endian bytes to store for data that {@linkcode checkTensorData} accepted: a view of
 * it where possible, a new array where float32 is rounded to F16/BF16 or bytes must be swapped.
 */
export function tensorBytes(dtype: SafetensorsDtype, data: ArrayBufferView): Uint8Array {
  const kind = arrayKind(data);
  if (isHalf(dtype) && kind === "Float32Array") {
    const floats = data as Float32Array;
    return littleEndianBytes(dtype === "F16" ? float32ToFloat16(floats) : float32ToBfloat16(floats), 2);
  }
  // Raw bytes are taken as already little-endian, whatever the host.
  if (kind === "Uint8Array" || HOST_IS_LITTLE_ENDIAN) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return littleEndianBytes(data, dtypeSize(dtype));
}

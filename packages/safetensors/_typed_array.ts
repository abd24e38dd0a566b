import type { SafetensorsDtype } from "./dtypes.ts";
import type { TensorData } from "./tensor.ts";

/** A typed array of `dtype` over `length` elements of `buffer` from `byteOffset` (which must be aligned). */
export function typedArrayFor(dtype: SafetensorsDtype, buffer: ArrayBuffer, byteOffset: number, length: number): TensorData {
  switch (dtype) {
    case "F64":
      return new Float64Array(buffer, byteOffset, length);
    case "F32":
      return new Float32Array(buffer, byteOffset, length);
    case "I64":
      return new BigInt64Array(buffer, byteOffset, length);
    case "U64":
      return new BigUint64Array(buffer, byteOffset, length);
    case "I32":
      return new Int32Array(buffer, byteOffset, length);
    case "U32":
      return new Uint32Array(buffer, byteOffset, length);
    case "I16":
      return new Int16Array(buffer, byteOffset, length);
    case "U16":
    case "F16":
    case "BF16":
      return new Uint16Array(buffer, byteOffset, length);
    case "I8":
      return new Int8Array(buffer, byteOffset, length);
    case "U8":
    case "BOOL":
      return new Uint8Array(buffer, byteOffset, length);
  }
}

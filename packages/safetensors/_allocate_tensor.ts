import { HOST_IS_LITTLE_ENDIAN, swapBytesInPlace } from "./_byte_order.ts";
import { halfTable } from "./_half_table.ts";
import { typedArrayFor } from "./_typed_array.ts";
import { dtypeSize } from "./dtypes.ts";
import { SafetensorsError } from "./safetensors_error.ts";
import type { SafetensorsTensorInfo } from "./safetensors_header.ts";
import type { Tensor } from "./tensor.ts";

/** Room for one tensor: the file's bytes go into `bytes`, then `finish()` gives the tensor. */
export interface TensorSlot {
  bytes: Uint8Array;
  finish(): Tensor;
}

// Widening without a second buffer: the 2n bytes of halves are read into the upper half of the
// 4n-byte float32 buffer and converted front to back. Writing float i touches bytes [4i, 4i+4),
// which never reach a half j > i still to be read (it starts at 2n + 2j ≥ 4i + 4 while i < n);
// half i itself is read before float i is written. So a loader's peak is the float32 copy alone.
function widenInPlace(buffer: ArrayBuffer, count: number, dtype: "F16" | "BF16"): Float32Array {
  const halves = new Uint16Array(buffer, count * 2, count);
  const floats = new Uint32Array(buffer, 0, count);
  if (dtype === "BF16") {
    for (let i = 0; i < count; i++) floats[i] = halves[i]! << 16;
  } else {
    const table = halfTable();
    for (let i = 0; i < count; i++) floats[i] = table[halves[i]!]!;
  }
  return new Float32Array(buffer, 0, count);
}

/**
 * Allocates one tensor of a validated header entry (so its size is bounded by the file's), with
 * room to widen F16/BF16 to float32 in place when `widen` is set.
 */
export function allocateTensor(name: string, info: SafetensorsTensorInfo, widen: boolean, file: string): TensorSlot {
  const { dtype, shape } = info;
  const byteLength = info.end - info.begin;
  const size = dtypeSize(dtype);
  const count = byteLength / size;
  const widenFrom = widen && (dtype === "F16" || dtype === "BF16") ? dtype : undefined;
  const widening = widenFrom !== undefined;
  let buffer: ArrayBuffer;
  try {
    buffer = new ArrayBuffer(widening ? count * 4 : byteLength);
  } catch (cause) {
    throw new SafetensorsError(
      "TOO_LARGE",
      `${dtype} [${shape.join(", ")}] needs ${widening ? count * 4 : byteLength} bytes in one array, more than this JavaScript runtime can allocate (${cause instanceof Error ? cause.message : String(cause)}).`,
      { file, tensor: name, cause },
    );
  }
  const bytes = widening ? new Uint8Array(buffer, byteLength, byteLength) : new Uint8Array(buffer);
  return {
    bytes,
    finish(): Tensor {
      if (!HOST_IS_LITTLE_ENDIAN) swapBytesInPlace(bytes, size);
      if (widenFrom !== undefined) return { dtype: "F32", shape, data: widenInPlace(buffer, count, widenFrom) };
      return { dtype, shape, data: typedArrayFor(dtype, buffer, 0, count) };
    },
  };
}

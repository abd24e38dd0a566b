// The format stores every element little-endian (spec: "Endianness is assumed to be little
// endian", huggingface/safetensors TensorInfo). Typed arrays use the host's order, so on the rare
// big-endian host (s390x) bytes are swapped after reading and before writing.

/** Whether typed arrays on this host already use the file's byte order. */
export const HOST_IS_LITTLE_ENDIAN: boolean = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Reverses the byte order of every `itemSize`-byte element of `bytes`, in place. */
export function swapBytesInPlace(bytes: Uint8Array, itemSize: number): void {
  if (itemSize === 1) return;
  for (let at = 0; at + itemSize <= bytes.length; at += itemSize) {
    for (let lo = at, hi = at + itemSize - 1; lo < hi; lo++, hi--) {
      const byte = bytes[lo]!;
      bytes[lo] = bytes[hi]!;
      bytes[hi] = byte;
    }
  }
}

/** The bytes of `view` in little-endian order: the view itself, or on big-endian hosts a swapped copy. */
export function littleEndianBytes(view: ArrayBufferView, itemSize: number): Uint8Array {
  const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  if (HOST_IS_LITTLE_ENDIAN || itemSize === 1) return bytes;
  const copy = bytes.slice();
  swapBytesInPlace(copy, itemSize);
  return copy;
}

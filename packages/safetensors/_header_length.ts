import { SAFETENSORS_MAX_HEADER_BYTES } from "./constants.ts";
import { SafetensorsError } from "./safetensors_error.ts";

/** Bytes before the JSON header: its length as a little-endian u64. */
export const PREFIX_BYTES = 8;

/** A guess at what a file that is not safetensors is, from its first bytes, for error messages. */
function whatItLooksLike(prefix: Uint8Array): string {
  const text = String.fromCharCode(...prefix.subarray(0, 4));
  if (text.startsWith("PK")) return " Its first bytes are a ZIP signature: is it a PyTorch .bin/.pt checkpoint?";
  if (text === "GGUF") return " Its first bytes are a GGUF signature, a llama.cpp model, not safetensors.";
  if (text.startsWith("{")) return " It starts with '{': is it a JSON file, such as the shard index?";
  return "";
}

/**
 * The JSON header's length from a file's first 8 bytes, checked against the size of the file and
 * {@linkcode SAFETENSORS_MAX_HEADER_BYTES} before anyone allocates that many bytes.
 */
export function headerLength(prefix: Uint8Array, fileSize: number, file: string): number {
  if (fileSize < PREFIX_BYTES) {
    throw new SafetensorsError(
      "HEADER_TOO_SMALL",
      `the file has ${fileSize} bytes, but a safetensors file starts with an 8-byte header length. The file is empty or truncated.`,
      { file },
    );
  }
  const declared = new DataView(prefix.buffer, prefix.byteOffset, PREFIX_BYTES).getBigUint64(0, true);
  if (declared > BigInt(SAFETENSORS_MAX_HEADER_BYTES)) {
    throw new SafetensorsError(
      "HEADER_TOO_LARGE",
      `the header length in the first 8 bytes is ${declared}, above the ${SAFETENSORS_MAX_HEADER_BYTES}-byte limit for safetensors headers; the file is corrupt or not a safetensors file.${whatItLooksLike(prefix)}`,
      { file },
    );
  }
  const length = Number(declared);
  if (PREFIX_BYTES + length > fileSize) {
    throw new SafetensorsError(
      "HEADER_LENGTH",
      `the header length in the first 8 bytes is ${length}, but only ${fileSize - PREFIX_BYTES} bytes follow them; the file is truncated or not a safetensors file.${whatItLooksLike(prefix)}`,
      { file },
    );
  }
  return length;
}

import { headerLength, PREFIX_BYTES } from "./_header_length.ts";
import { parseHeader } from "./_parse_header.ts";
import type { SafetensorsHeader } from "./safetensors_header.ts";

/** How an in-memory buffer is named in error messages. */
export const IN_MEMORY_FILE = "<bytes>";

/** The validated header of a whole safetensors file held in memory. */
export function decodeHeader(bytes: Uint8Array, file: string = IN_MEMORY_FILE): SafetensorsHeader {
  const length = headerLength(bytes.subarray(0, PREFIX_BYTES), bytes.length, file);
  const headerBytes = bytes.subarray(PREFIX_BYTES, PREFIX_BYTES + length);
  return parseHeader(headerBytes, bytes.length - PREFIX_BYTES - length, file);
}

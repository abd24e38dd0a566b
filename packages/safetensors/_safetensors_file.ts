import { open, type FileHandle } from "node:fs/promises";
import { headerLength, PREFIX_BYTES } from "./_header_length.ts";
import { parseHeader } from "./_parse_header.ts";
import { toPath } from "./_path.ts";
import { readExactly } from "./_read_exactly.ts";
import type { SafetensorsHeader } from "./safetensors_header.ts";

/** An open safetensors file with its validated header; the caller closes `handle`. */
export interface SafetensorsFile {
  handle: FileHandle;
  /** The path, as it appears in error messages. */
  file: string;
  header: SafetensorsHeader;
}

/**
 * Opens a safetensors file and reads only its header: 8 bytes, then — once that length has been
 * checked against the file's size — the JSON. Closes the file again if anything is wrong.
 */
export async function openSafetensorsFile(path: string | URL, signal?: AbortSignal): Promise<SafetensorsFile> {
  signal?.throwIfAborted();
  const file = toPath(path);
  const handle = await open(file, "r");
  try {
    const { size } = await handle.stat();
    const prefix = new Uint8Array(PREFIX_BYTES);
    if (size >= PREFIX_BYTES) await readExactly(handle, prefix, 0, { file }, signal);
    const length = headerLength(prefix, size, file);
    const headerBytes = new Uint8Array(length);
    await readExactly(handle, headerBytes, PREFIX_BYTES, { file }, signal);
    const header = parseHeader(headerBytes, size - PREFIX_BYTES - length, file);
    return { handle, file, header };
  } catch (error) {
    await handle.close();
    throw error;
  }
}

import type { FileHandle } from "node:fs/promises";
import { SafetensorsError } from "./safetensors_error.ts";

// One read call moves at most this much: the kernel caps a read near 2 GiB anyway, and smaller
// pieces let an AbortSignal stop a multi-gigabyte tensor without costing throughput.
const CHUNK_BYTES = 64 * 1024 * 1024;

/** Fills `target` from `position` of the file, or throws if the file ends first. */
export async function readExactly(
  handle: FileHandle,
  target: Uint8Array,
  position: number,
  where: { file: string; tensor?: string },
  signal?: AbortSignal,
): Promise<void> {
  let done = 0;
  while (done < target.length) {
    signal?.throwIfAborted();
    const length = Math.min(CHUNK_BYTES, target.length - done);
    const { bytesRead } = await handle.read(target, done, length, position + done);
    if (bytesRead === 0) {
      throw new SafetensorsError(
        "TRUNCATED",
        `the file ended at byte ${position + done} while ${target.length} bytes were read from byte ${position}; was it changed or truncated while being read?`,
        where,
      );
    }
    done += bytesRead;
  }
}

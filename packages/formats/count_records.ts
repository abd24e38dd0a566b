import { createReadStream } from "node:fs";
import { readFile } from "node:fs/promises";
import { splitJsonArray } from "./_json_array.ts";
import { fileLayout } from "./_layout.ts";

const NEWLINE = 10;

/**
 * Counts a file's records without parsing them: the non-blank lines of a JSONL file, the
 * elements of a JSON array. For progress bars only — invalid records are counted too, so with
 * `onInvalid: "skip"` it is an upper bound. Throws when a JSON array is broken.
 *
 * @example
 * ```ts
 * const total = await countRecords("data/train.jsonl");
 * ```
 */
export async function countRecords(path: string, signal?: AbortSignal): Promise<number> {
  if ((await fileLayout(path)) === "array") {
    return splitJsonArray(await readFile(path, { encoding: "utf8", signal })).length;
  }
  let count = 0;
  let lineHasText = false;
  // Bytes, not characters: every byte of a multi-byte UTF-8 character is >= 0x80, so it can
  // never be mistaken for a newline or a space.
  for await (const chunk of createReadStream(path, { signal })) {
    const bytes = chunk as Buffer;
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      if (b === NEWLINE) {
        if (lineHasText) count++;
        lineHasText = false;
      } else if (!lineHasText && b !== 32 && b !== 9 && b !== 13) {
        lineHasText = true;
      }
    }
  }
  return lineHasText ? count + 1 : count;
}

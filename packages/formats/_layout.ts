import { open } from "node:fs/promises";
import { extname } from "node:path";

/** How a data file holds its records. */
export type FileLayout = "jsonl" | "array";

/**
 * Decides whether a file is JSONL or one JSON array. `.jsonl`/`.ndjson` are always JSONL;
 * anything else is an array when its first non-space character is `[`, and JSONL otherwise
 * (many `.json` files in the wild are really JSONL).
 */
export async function fileLayout(path: string): Promise<FileLayout> {
  const ext = extname(path).toLowerCase();
  if (ext === ".jsonl" || ext === ".ndjson") return "jsonl";
  return (await firstNonSpace(path)) === "[" ? "array" : "jsonl";
}

// Reads small blocks only until the first non-space character, so that a large file is not
// read twice.
async function firstNonSpace(path: string): Promise<string | undefined> {
  const handle = await open(path, "r");
  try {
    const buffer = Buffer.alloc(4096);
    let position = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) return undefined;
      const text = buffer.toString("latin1", 0, bytesRead);
      // JSON's four whitespace characters, and the UTF-8 byte-order mark read as three latin1
      // characters (latin1 because a block may end inside a multi-byte character).
      const match = /[^ \t\r\n\u00ef\u00bb\u00bf]/.exec(text);
      if (match !== null) return match[0];
      position += bytesRead;
    }
  } finally {
    await handle.close();
  }
}

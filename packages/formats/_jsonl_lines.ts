import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";

/** A non-blank line of a text file and its 1-based number. */
export interface NumberedLine {
  line: number;
  text: string;
}

/**
 * Streams the non-blank lines of a file with their numbers, holding only a bounded buffer of
 * lines in memory (readline pauses the file while the consumer is busy). Ending the iteration
 * early — `break`, a thrown error, or `signal` — closes the file before the generator settles.
 * An abort rejects with `signal.reason`.
 */
export async function* nonBlankLines(path: string, signal?: AbortSignal): AsyncGenerator<NumberedLine> {
  signal?.throwIfAborted();
  const stream = createReadStream(path, { encoding: "utf8" });
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  const closed = new Promise<void>((resolve) => stream.once("close", () => resolve()));
  // Closing the interface ends its iterator even while it waits for data; destroying the
  // stream releases the file descriptor.
  const stop = () => {
    lines.close();
    stream.destroy();
  };
  signal?.addEventListener("abort", stop, { once: true });
  let number = 0;
  try {
    for await (const raw of lines) {
      number++;
      if (signal?.aborted) break;
      // A byte-order mark is not whitespace to `trim`, and JSON.parse rejects it.
      const text = number === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
      if (text.trim() === "") continue;
      yield { line: number, text };
    }
    signal?.throwIfAborted();
  } finally {
    signal?.removeEventListener("abort", stop);
    stop();
    await closed;
  }
}

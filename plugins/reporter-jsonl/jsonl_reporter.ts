import { createWriteStream, mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { toLogRecord, type Reporter, type UalEventType } from "@ual/core";

/** Options of {@linkcode createJsonlReporter}. */
export interface JsonlReporterOptions {
  /** A file path, or `-` for stdout. */
  path: string;
  /** Only these event types (default: all). */
  include?: readonly UalEventType[];
  /** Not these event types. */
  exclude?: readonly UalEventType[];
}

/**
 * Writes every event as one JSON line (the same records as the run's `events.jsonl`), to a
 * file or to stdout, optionally filtered by type — for piping a run into other tools.
 *
 * @example
 * ```ts
 * const reporter = createJsonlReporter({ path: "-", include: ["smoothing"] });
 * ```
 */
export function createJsonlReporter(options: JsonlReporterOptions): Reporter {
  const include = options.include ? new Set(options.include) : undefined;
  const exclude = new Set(options.exclude ?? []);
  let out: NodeJS.WritableStream;
  let close: () => Promise<void>;
  if (options.path === "-") {
    out = process.stdout;
    close = async () => {};
  } else {
    mkdirSync(dirname(options.path), { recursive: true });
    const file = createWriteStream(options.path, { flags: "a" });
    out = file;
    close = () => new Promise((resolve, reject) => file.end((error?: Error | null) => (error ? reject(error) : resolve())));
  }
  return {
    onEvent(event) {
      if (include && !include.has(event.type)) return;
      if (exclude.has(event.type)) return;
      out.write(`${JSON.stringify(toLogRecord(event))}\n`);
    },
    close,
  };
}

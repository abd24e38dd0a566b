import { readFile, stat } from "node:fs/promises";
import { basename } from "node:path";
import type { Logger, Role, Sample } from "@ual/core";
import { silentLogger } from "@ual/core";
import { nonBlankLines } from "./_jsonl_lines.ts";
import { JsonArrayStructureError, splitJsonArray } from "./_json_array.ts";
import { fileLayout } from "./_layout.ts";
import { InvalidRecordError } from "./invalid_record_error.ts";
import { normalizeRecord } from "./normalize_record.ts";
import type { RecordFormat } from "./record_format.ts";

/** Tallies of one completed pass over a file. */
export interface ReadStats {
  /** Samples yielded. */
  read: number;
  /** Invalid records skipped (`onInvalid: "skip"`). */
  skipped: number;
}

/** How {@linkcode readSamples} reads a file. */
export interface ReadSamplesOptions {
  /** The records' shape, or `"auto"` to detect it per record. Default `"auto"`. */
  format?: RecordFormat;
  /** `"fail"` (default) throws {@linkcode InvalidRecordError} at the first invalid record; `"skip"` skips and counts it. */
  onInvalid?: "fail" | "skip";
  /** The field that holds the sample id. Default `"id"`; without it a sample's id is `<file name>:<line>`. */
  idField?: string;
  /** Stop after this many samples. */
  limit?: number;
  /** Extra role names and what they mean, e.g. `{ teacher: "assistant" }`. */
  roles?: Readonly<Record<string, Role>>;
  /** Stops the pass and closes the file; the iteration then rejects with `signal.reason`. */
  signal?: AbortSignal;
  /** Where warnings about skipped records go. Default: nowhere. */
  logger?: Logger;
  /** The file's name in messages and `sample.location.file`. Default: `path` as given. */
  displayPath?: string;
  /** How many skipped records get a warning of their own before one summary. Default 20. */
  maxWarnings?: number;
  /** Called with the tallies when a pass completes (end of file or `limit`), not when it is abandoned. */
  onComplete?(stats: ReadStats): void;
}

/** Where a record is in its file. */
interface Place {
  line: number;
  /** 1-based element index, for records of a JSON array. */
  element?: number;
}

/** An unparsed record and where it is. */
interface RawRecord extends Place {
  text: string;
}

/**
 * Reads a JSONL file (one JSON record per line; blank lines ignored), or a file holding one
 * JSON array of records, as normalised {@linkcode Sample}s — see {@linkcode normalizeRecord}
 * for the shapes.
 *
 * JSONL is streamed: memory stays flat however large the file. A JSON array is read and cut
 * into elements whole (arrays are the form small hand-made sets come in); there
 * `location.line` is the line where the element starts, and messages also name its index.
 *
 * The result can be iterated any number of times; each iteration reads the file afresh. Ids
 * must be unique within the file; a record without an id field gets `<file name>:<line>`
 * (`<file name>#<index>` for array elements, since a one-line array has one line).
 *
 * @example
 * ```ts
 * for await (const sample of readSamples("data/train.jsonl", { onInvalid: "skip", limit: 100 })) {
 *   console.log(sample.id, sample.turns.length);
 * }
 * ```
 */
export function readSamples(path: string, options: ReadSamplesOptions = {}): AsyncIterable<Sample> {
  return { [Symbol.asyncIterator]: () => readPass(path, options) };
}

async function* readPass(path: string, options: ReadSamplesOptions): AsyncGenerator<Sample> {
  const { signal, limit, format, idField, roles } = options;
  const file = options.displayPath ?? path;
  const onInvalid = options.onInvalid ?? "fail";
  const logger = options.logger ?? silentLogger;
  const maxWarnings = options.maxWarnings ?? 20;
  const name = basename(path);
  signal?.throwIfAborted();
  if (limit === 0) {
    options.onComplete?.({ read: 0, skipped: 0 });
    return;
  }

  const layout = await openLayout(path, file);
  const records = layout === "array" ? arrayRecords(path, file, signal) : lineRecords(path, signal);
  // A `.json` file that does not start with "[" is read as JSONL; if its first record does not
  // parse, the likelier mistake is a single pretty-printed object, so say what the file must hold.
  const jsonHint = layout === "jsonl" && name.toLowerCase().endsWith(".json");
  const firstPlace = new Map<string, Place>();
  let read = 0;
  let skipped = 0;

  for await (const raw of records) {
    signal?.throwIfAborted();
    let reason: string | undefined;
    let sample: Sample | undefined;
    const value = parseJson(raw.text);
    if (!value.ok) {
      reason = value.reason;
      if (jsonHint && read + skipped === 0) {
        reason += " (a .json file must hold one JSON array of records, or one record per line as JSONL)";
      }
    } else {
      const result = normalizeRecord(value.value, {
        format,
        idField,
        roles,
        fallbackId: raw.element === undefined ? `${name}:${raw.line}` : `${name}#${raw.element}`,
        location: { file, line: raw.line },
      });
      if (!result.ok) {
        reason = result.reason;
      } else {
        const earlier = firstPlace.get(result.sample.id);
        if (earlier !== undefined) {
          reason = `duplicate id ${JSON.stringify(result.sample.id)}: ${describeRecord(earlier)} has the same id`;
        } else {
          firstPlace.set(result.sample.id, { line: raw.line, element: raw.element });
          sample = result.sample;
        }
      }
    }

    if (sample === undefined) {
      const where = raw.element === undefined ? "" : `element ${raw.element}: `;
      const error = new InvalidRecordError(file, raw.line, `${where}${reason ?? "invalid record"}`);
      if (onInvalid === "fail") throw error;
      skipped++;
      if (skipped <= maxWarnings) logger.warn(`${error.message} (skipped)`, { file, line: raw.line, reason: error.reason });
      continue;
    }

    read++;
    yield sample;
    if (limit !== undefined && read >= limit) break;
  }

  if (skipped > maxWarnings) {
    const listed = maxWarnings === 0 ? "none listed one by one" : `only the first ${maxWarnings} listed one by one`;
    logger.warn(`${file}: skipped ${skipped} invalid record${skipped === 1 ? "" : "s"} (${listed})`, { file, skipped });
  }
  options.onComplete?.({ read, skipped });
}

function describeRecord(place: Place): string {
  return place.element === undefined ? `line ${place.line}` : `element ${place.element} (line ${place.line})`;
}

type Parsed = { ok: true; value: unknown } | { ok: false; reason: string };

function parseJson(text: string): Parsed {
  if (text.trim() === "") return { ok: false, reason: 'an empty array element (a stray ",")' };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    return { ok: false, reason: `invalid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
}

// Checks that the file can be read before deciding its layout, so that a wrong path gets a
// message naming the file as the user wrote it, not a bare ENOENT from deep in a stream.
async function openLayout(path: string, file: string) {
  try {
    if ((await stat(path)).isDirectory()) throw Object.assign(new Error("is a directory"), { code: "EISDIR" });
    return await fileLayout(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new Error(`${file}: no such file (looked for ${path})`, { cause: error });
    if (code === "EISDIR") throw new Error(`${file}: is a directory, not a data file`, { cause: error });
    throw new Error(`${file}: cannot read: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

async function* lineRecords(path: string, signal: AbortSignal | undefined): AsyncGenerator<RawRecord> {
  for await (const { line, text } of nonBlankLines(path, signal)) yield { line, text };
}

async function* arrayRecords(path: string, file: string, signal: AbortSignal | undefined): AsyncGenerator<RawRecord> {
  let text: string;
  try {
    text = await readFile(path, { encoding: "utf8", signal });
  } catch (error) {
    // Reject with the signal's own reason, as the JSONL path does, not Node's wrapper AbortError.
    signal?.throwIfAborted();
    throw error;
  }
  let elements;
  try {
    elements = splitJsonArray(text);
  } catch (error) {
    // A broken array cannot be skipped past record by record, so this fails even with "skip".
    if (error instanceof JsonArrayStructureError) throw new InvalidRecordError(file, error.line, error.message);
    throw error;
  }
  for (const element of elements) {
    signal?.throwIfAborted();
    yield { line: element.line, element: element.index, text: element.text };
  }
}

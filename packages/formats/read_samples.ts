import { readFile, stat } from "node:fs/promises";
import { basename } from "node:path";
import type { Logger, Role, Sample } from "@ual/core";
import { silentLogger } from "@ual/core";
import { nonBlankLines } from "./_jsonl_lines.ts";
import { JsonArrayStructureError, splitJsonArray } from "./_json_array.ts";
import { fileLayout } from "./_layout.ts";
import { type HeldOutSplit, type SplitPart, splitPartOf } from "./held_out_split.ts";
import { InvalidRecordError } from "./invalid_record_error.ts";
import { normalizeRecord } from "./normalize_record.ts";
import type { RecordFormat } from "./record_format.ts";

/** Tallies of one completed pass over the files. */
export interface ReadStats {
  /** Samples yielded. */
  read: number;
  /** Invalid records skipped (`onInvalid: "skip"`). */
  skipped: number;
  /** Valid samples left out because they are in the other part of `split` (only with a split). */
  otherPart?: number;
}

/** One data file for {@linkcode readSamples}. */
export interface DataFile {
  /** Where the file is. */
  path: string;
  /** The file's name in messages and `sample.location.file`, e.g. as the manifest writes it. Default: `path`. */
  displayPath?: string;
  /** Sets `metadata.subset` of every sample of the file (replacing a `subset` field of its records). */
  subset?: string;
}

/** How {@linkcode readSamples} reads its files. */
export interface ReadSamplesOptions {
  /** The records' shape, or `"auto"` to detect it per record. Default `"auto"`. */
  format?: RecordFormat;
  /** `"fail"` (default) throws {@linkcode InvalidRecordError} at the first invalid record; `"skip"` skips and counts it. */
  onInvalid?: "fail" | "skip";
  /** The field that holds the sample id. Default `"id"`; without it a sample's id is `<file name>:<line>`. */
  idField?: string;
  /** Stop after this many samples (of the chosen split part). */
  limit?: number;
  /** Extra role names and what they mean, e.g. `{ teacher: "assistant" }`. */
  roles?: Readonly<Record<string, Role>>;
  /** Yield only the samples of one part of a held-out split (see {@linkcode splitPartOf}). */
  split?: HeldOutSplit & { part: SplitPart };
  /** Stops the pass and closes the file; the iteration then rejects with `signal.reason`. */
  signal?: AbortSignal;
  /** Where warnings about skipped records go. Default: nowhere. */
  logger?: Logger;
  /** The file's name in messages and `sample.location.file` when `files` is one path. Default: the path as given. */
  displayPath?: string;
  /** How many skipped records get a warning of their own before one summary. Default 20. */
  maxWarnings?: number;
  /** Called with the tallies when a pass completes (end of the last file or `limit`), not when it is abandoned. */
  onComplete?(stats: ReadStats): void;
}

/** Where a record is. */
interface Place {
  file: string;
  line: number;
  /** 1-based element index, for records of a JSON array. */
  element?: number;
}

/** An unparsed record and where it is in its file. */
interface RawRecord {
  line: number;
  element?: number;
  text: string;
}

/**
 * Reads JSONL files (one JSON record per line; blank lines ignored), or files holding one
 * JSON array of records, as normalised {@linkcode Sample}s — see {@linkcode normalizeRecord}
 * for the shapes, detected per record. Several files are read one after the other, in order.
 *
 * JSONL is streamed: memory stays flat however large the file. A JSON array is read and cut
 * into elements whole (arrays are the form small hand-made sets come in); there
 * `location.line` is the line where the element starts, and messages also name its index.
 *
 * The result can be iterated any number of times; each iteration reads the files afresh. Ids
 * must be unique across all the files (a repeated id is an invalid record naming both places);
 * a record without an id field gets `<file name>:<line>` (`<file name>#<index>` for array
 * elements, since a one-line array has one line). With `split`, ids are checked before the
 * split, so both parts of a split see the same errors.
 *
 * @example
 * ```ts
 * for await (const sample of readSamples("data/train.jsonl", { onInvalid: "skip", limit: 100 })) {
 *   console.log(sample.id, sample.turns.length);
 * }
 * const files = [{ path: "data/seed.jsonl" }, { path: "data/gsm8k.jsonl", subset: "math" }];
 * for await (const sample of readSamples(files, { split: { heldout: 0.1, seed: 0, part: "heldout" } })) {
 *   console.log(sample.id, sample.metadata.subset);
 * }
 * ```
 */
export function readSamples(files: string | readonly DataFile[], options: ReadSamplesOptions = {}): AsyncIterable<Sample> {
  const list: readonly DataFile[] = typeof files === "string" ? [{ path: files, displayPath: options.displayPath ?? files }] : files;
  return { [Symbol.asyncIterator]: () => readPass(list, options) };
}

async function* readPass(files: readonly DataFile[], options: ReadSamplesOptions): AsyncGenerator<Sample> {
  const { signal, limit, format, idField, roles, split } = options;
  const onInvalid = options.onInvalid ?? "fail";
  const logger = options.logger ?? silentLogger;
  const maxWarnings = options.maxWarnings ?? 20;
  signal?.throwIfAborted();
  const firstPlace = new Map<string, Place>();
  let read = 0;
  let skipped = 0;
  let otherPart = 0;
  const stats = (): ReadStats => (split === undefined ? { read, skipped } : { read, skipped, otherPart });
  if (limit === 0) {
    options.onComplete?.(stats());
    return;
  }

  files: for (const dataFile of files) {
    const { path } = dataFile;
    const file = dataFile.displayPath ?? path;
    const name = basename(path);
    const layout = await openLayout(path, file);
    const records = layout === "array" ? arrayRecords(path, file, signal) : lineRecords(path, signal);
    // A `.json` file that does not start with "[" is read as JSONL; if its first record does not
    // parse, the likelier mistake is a single pretty-printed object, so say what the file must hold.
    const jsonHint = layout === "jsonl" && name.toLowerCase().endsWith(".json");
    let first = true;

    for await (const raw of records) {
      signal?.throwIfAborted();
      let reason: string | undefined;
      let sample: Sample | undefined;
      const value = parseJson(raw.text);
      if (!value.ok) {
        reason = value.reason;
        if (jsonHint && first) {
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
            reason = `duplicate id ${JSON.stringify(result.sample.id)}: ${describePlace(earlier, file)} has the same id`;
            if (earlier.file !== file) reason += " (ids must be unique across all the files; give the records ids of their own)";
          } else {
            firstPlace.set(result.sample.id, { file, line: raw.line, element: raw.element });
            sample = result.sample;
          }
        }
      }
      first = false;

      if (sample === undefined) {
        const where = raw.element === undefined ? "" : `element ${raw.element}: `;
        const error = new InvalidRecordError(file, raw.line, `${where}${reason ?? "invalid record"}`);
        if (onInvalid === "fail") throw error;
        skipped++;
        if (skipped <= maxWarnings) logger.warn(`${error.message} (skipped)`, { file, line: raw.line, reason: error.reason });
        continue;
      }

      if (split !== undefined && splitPartOf(sample.id, split) !== split.part) {
        otherPart++;
        continue;
      }
      if (dataFile.subset !== undefined) sample.metadata.subset = dataFile.subset;
      read++;
      yield sample;
      if (limit !== undefined && read >= limit) break files;
    }
  }

  if (skipped > maxWarnings) {
    const listed = maxWarnings === 0 ? "none listed one by one" : `only the first ${maxWarnings} listed one by one`;
    const where = files.length === 1 ? (files[0]?.displayPath ?? files[0]?.path ?? "") : `${files.length} files`;
    logger.warn(`${where}: skipped ${skipped} invalid record${skipped === 1 ? "" : "s"} (${listed})`, { file: where, skipped });
  }
  options.onComplete?.(stats());
}

// `line 3` in the same file, `a.jsonl:3` in another one.
function describePlace(place: Place, currentFile: string): string {
  const at = place.file === currentFile ? `line ${place.line}` : `${place.file}:${place.line}`;
  return place.element === undefined ? at : `element ${place.element} (${at})`;
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

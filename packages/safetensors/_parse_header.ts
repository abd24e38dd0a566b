import { dtypeSize, isSafetensorsDtype, SAFETENSORS_DTYPES } from "./dtypes.ts";
import { firstDuplicateKey } from "./_duplicate_key.ts";
import { PREFIX_BYTES } from "./_header_length.ts";
import { SafetensorsError } from "./safetensors_error.ts";
import type { SafetensorsHeader, SafetensorsTensorInfo } from "./safetensors_header.ts";

const METADATA_KEY = "__metadata__";

// Valid in the format (huggingface/safetensors `enum Dtype`) but without a JavaScript typed array
// to read them into; named so that the error says "unsupported", not "unknown".
const UNSUPPORTED_DTYPES = new Set(["F4", "F6_E2M3", "F6_E3M2", "F8_E5M2", "F8_E4M3", "F8_E8M0", "F8_E4M3FNUZ", "F8_E5M2FNUZ", "C64"]);

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

interface Entry extends SafetensorsTensorInfo {
  name: string;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isIndex(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function parseMetadata(value: unknown, file: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value)) {
    throw new SafetensorsError("METADATA_INVALID", `"__metadata__" must be an object of strings, got ${show(value)}.`, { file });
  }
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== "string") {
      throw new SafetensorsError(
        "METADATA_INVALID",
        `"__metadata__" must map strings to strings, but ${JSON.stringify(key)} is ${show(item)}; the reference implementation rejects such files too.`,
        { file },
      );
    }
  }
  return Object.fromEntries(Object.entries(value as Record<string, string>));
}

function parseEntry(name: string, value: unknown, dataLength: number, file: string): Entry {
  const where = { file, tensor: name };
  if (!isPlainObject(value)) {
    throw new SafetensorsError("TENSOR_INVALID", `expected an object with "dtype", "shape" and "data_offsets", got ${show(value)}.`, where);
  }
  const { dtype, shape, data_offsets: offsets } = value;
  if (typeof dtype !== "string") throw new SafetensorsError("TENSOR_INVALID", `"dtype" must be a string, got ${show(dtype)}.`, where);
  if (!isSafetensorsDtype(dtype)) {
    if (UNSUPPORTED_DTYPES.has(dtype)) {
      throw new SafetensorsError(
        "DTYPE_UNSUPPORTED",
        `dtype ${dtype} is valid safetensors but @ual/safetensors does not read it; supported: ${SAFETENSORS_DTYPES.join(", ")}. Convert the checkpoint (e.g. to BF16 or F32) first.`,
        where,
      );
    }
    throw new SafetensorsError("DTYPE_UNKNOWN", `unknown dtype ${show(dtype)}; expected one of ${SAFETENSORS_DTYPES.join(", ")}.`, where);
  }
  if (!Array.isArray(shape) || !shape.every(isIndex)) {
    throw new SafetensorsError("SHAPE_INVALID", `"shape" must be a list of non-negative integers, got ${show(shape)}.`, where);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isIndex)) {
    throw new SafetensorsError("OFFSETS_INVALID", `"data_offsets" must be [begin, end] with non-negative integers, got ${show(offsets)}.`, where);
  }
  const [begin, end] = offsets as [number, number];
  if (end < begin) {
    throw new SafetensorsError("OFFSETS_INVALID", `"data_offsets" [${begin}, ${end}] end before they begin.`, where);
  }
  if (end > dataLength) {
    throw new SafetensorsError(
      "OFFSETS_INVALID",
      `"data_offsets" [${begin}, ${end}] run past the end of the data region, which has ${dataLength} bytes; the file is truncated or its header is wrong.`,
      where,
    );
  }
  // The element count can overflow for absurd shapes; any count above the span cannot match it,
  // so the product stops there (a zero dimension makes the whole product zero, whatever comes after).
  const span = end - begin;
  const size = dtypeSize(dtype);
  let elements = shape.includes(0) ? 0 : 1;
  for (const dimension of shape) {
    if (elements === 0 || elements > span) break;
    elements *= dimension;
  }
  if (elements * size !== span) {
    const expected = elements > span ? `more than ${span}` : String(elements * size);
    throw new SafetensorsError(
      "BYTE_LENGTH",
      `shape [${shape.join(", ")}] of ${dtype} (${size} byte${size === 1 ? "" : "s"} each) needs ${expected} bytes, but "data_offsets" [${begin}, ${end}] span ${span}.`,
      where,
    );
  }
  return { name, dtype, shape: [...shape] as number[], begin, end };
}

// The format requires the tensors to tile the data region exactly: sorted by offsets, each begins
// where the previous ended, the first at 0 and the last at the end of the file
// (huggingface/safetensors `Metadata::validate` and `MetadataIncompleteBuffer`).
function checkCoverage(entries: Entry[], dataLength: number, file: string): void {
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let cursor = 0;
  let previous: Entry | undefined;
  for (const entry of entries) {
    if (entry.begin < cursor && previous !== undefined) {
      throw new SafetensorsError(
        "OVERLAP",
        `"data_offsets" [${entry.begin}, ${entry.end}] overlap tensor ${JSON.stringify(previous.name)} at [${previous.begin}, ${previous.end}]; tensors must not share bytes.`,
        { file, tensor: entry.name },
      );
    }
    if (entry.begin > cursor) {
      const before = previous === undefined ? "the data region starts" : `tensor ${JSON.stringify(previous.name)} ends`;
      throw new SafetensorsError(
        "GAP",
        `"data_offsets" [${entry.begin}, ${entry.end}] leave bytes [${cursor}, ${entry.begin}) after ${before} unused; tensors must cover the data region without gaps.`,
        { file, tensor: entry.name },
      );
    }
    cursor = entry.end;
    previous = entry;
  }
  if (cursor !== dataLength) {
    throw new SafetensorsError(
      "GAP",
      `the tensors end at byte ${cursor} of the data region, but it has ${dataLength} bytes: ${dataLength - cursor} trailing bytes belong to no tensor (the reference implementation rejects this too).`,
      { file },
    );
  }
}

/**
 * Parses and validates a JSON header of a file whose data region has `dataLength` bytes. Every
 * size in the result has been checked against `dataLength`, so callers may allocate by it.
 */
export function parseHeader(headerBytes: Uint8Array, dataLength: number, file: string): SafetensorsHeader {
  let text: string;
  try {
    text = utf8.decode(headerBytes);
  } catch (cause) {
    throw new SafetensorsError("HEADER_INVALID", "the header is not valid UTF-8; the file is corrupt or not a safetensors file.", { file, cause });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new SafetensorsError(
      "HEADER_INVALID",
      `the header is not valid JSON (${reason}); it starts with ${show(text.slice(0, 40))}. The file is corrupt or not a safetensors file.`,
      { file, cause },
    );
  }
  if (!isPlainObject(parsed)) {
    throw new SafetensorsError("HEADER_INVALID", `the header must be a JSON object of tensors, got ${show(parsed)}.`, { file });
  }
  const duplicate = firstDuplicateKey(text);
  if (duplicate !== undefined) {
    throw new SafetensorsError("DUPLICATE_NAME", "the header names this tensor twice; only one of the two could be read.", { file, tensor: duplicate });
  }
  const metadata = parseMetadata(parsed[METADATA_KEY], file);
  const entries: Entry[] = [];
  for (const [name, value] of Object.entries(parsed)) {
    if (name !== METADATA_KEY) entries.push(parseEntry(name, value, dataLength, file));
  }
  checkCoverage(entries, dataLength, file);
  return {
    tensors: Object.fromEntries(entries.map(({ name, ...info }) => [name, info])),
    metadata,
    dataOffset: PREFIX_BYTES + headerBytes.length,
  };
}

import type { JsonObject, JsonValue, Role, Sample, SampleLocation } from "@ual/core";
import { describeType, isRecord, keyList } from "./_describe.ts";
import { dialogueProblem } from "./_dialogue.ts";
import { DETECTABLE, detectShape, SHAPES } from "./_shapes.ts";
import type { RecordFormat, RecordShape } from "./record_format.ts";

/** How {@linkcode normalizeRecord} reads a record. */
export interface NormalizeOptions {
  /** The record's shape, or `"auto"` to detect it from its fields. Default `"auto"`. */
  format?: RecordFormat;
  /** The field that holds the sample id. Default `"id"` (MT-bench records fall back to `question_id`). */
  idField?: string;
  /** Extra role names and what they mean, e.g. `{ teacher: "assistant" }`. They win over the built-in names. */
  roles?: Readonly<Record<string, Role>>;
  /** The id to use when the record has no id field, e.g. `train.jsonl:17`. Without it such a record is invalid. */
  fallbackId?: string;
  /** Copied into `sample.location`. */
  location?: SampleLocation;
}

/** A sample, or why the record cannot be one. */
export type NormalizeResult =
  | { ok: true; sample: Sample; format: RecordShape }
  | { ok: false; reason: string };

/**
 * Turns one parsed JSON record of any supported shape into a {@linkcode Sample}: its dialogue
 * becomes `turns`, every other field (except the id) is kept in `metadata`. Never throws; an
 * unusable record gives `{ ok: false, reason }` with a reason fit to show a person.
 *
 * `record` is expected to come from `JSON.parse`, so its fields are taken as JSON values.
 *
 * @example
 * ```ts
 * const result = normalizeRecord({ id: "a1", instruction: "Add 2 and 2.", input: "", output: "4", tag: "math" });
 * // { ok: true, format: "alpaca", sample: { id: "a1",
 * //   turns: [{ role: "user", content: "Add 2 and 2." }, { role: "assistant", content: "4" }],
 * //   metadata: { tag: "math" } } }
 *
 * normalizeRecord({ conversations: [{ from: "gpt", value: "Hi" }] }, { fallbackId: "x:1" });
 * // { ok: false, reason: 'the first non-system turn (conversations[0]) is an assistant turn; ...' }
 * ```
 */
export function normalizeRecord(record: unknown, options: NormalizeOptions = {}): NormalizeResult {
  if (!isRecord(record)) return { ok: false, reason: `expected a JSON object, got ${describeType(record)}` };

  const format = options.format ?? "auto";
  const shape = format === "auto" ? detectShape(record) : format;
  if (shape === undefined) {
    return { ok: false, reason: `expected ${DETECTABLE}; got keys ${keyList(record)}` };
  }
  const reader = SHAPES[shape];
  const missing = reader.requires.filter((field) => !Object.hasOwn(record, field));
  if (missing.length > 0) {
    const wanted = reader.requires.map((field) => `"${field}"`).join("+");
    return { ok: false, reason: `format "${shape}" expects ${wanted}; got keys ${keyList(record)}` };
  }

  const read = reader.read(record, options.roles);
  if (!read.ok) return read;
  const order = dialogueProblem(read.turns, reader.alternate);
  if (order !== undefined) return { ok: false, reason: order };

  const id = sampleId(record, shape, options);
  if (!id.ok) return id;

  const metadata: JsonObject = { ...read.metadata };
  for (const [key, value] of Object.entries(record)) {
    if (key === id.field || reader.consumes.includes(key) || value === undefined) continue;
    metadata[key] = value as JsonValue;
  }

  const sample: Sample = {
    id: id.id,
    turns: read.turns.map(({ role, content }) => ({ role, content })),
    metadata,
  };
  if (options.location !== undefined) sample.location = { ...options.location };
  return { ok: true, sample, format: shape };
}

type SampleId = { ok: true; id: string; field?: string } | { ok: false; reason: string };

function sampleId(record: Record<string, unknown>, shape: RecordShape, options: NormalizeOptions): SampleId {
  const idField = options.idField ?? "id";
  // A null id is how many exports write "no id"; treat it like a missing field.
  const present = (field: string) => Object.hasOwn(record, field) && record[field] !== null;
  const field = present(idField)
    ? idField
    : shape === "mt-bench" && present("question_id")
      ? "question_id"
      : undefined;
  if (field === undefined) {
    if (options.fallbackId !== undefined) return { ok: true, id: options.fallbackId };
    return { ok: false, reason: `no "${idField}" field to take the sample id from (set idField, or pass fallbackId)` };
  }
  const value = record[field];
  if (typeof value === "string" && value.trim() !== "") return { ok: true, id: value, field };
  if (typeof value === "number" && Number.isFinite(value)) return { ok: true, id: String(value), field };
  return {
    ok: false,
    reason: `"${field}" must be a non-empty string or a number to serve as the sample id, got ${describeType(value)}${
      typeof value === "string" ? " (empty)" : ""
    }`,
  };
}

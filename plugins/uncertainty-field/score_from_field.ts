import type { JsonValue, Sample, UncertaintyResult } from "@ual/core";
import { lookupField } from "./_field_path.ts";

/** How {@linkcode scoreFromField} reads a score. */
export interface ScoreFromFieldOptions {
  /** The metadata field holding the score; dotted paths such as `ratings.gpt4` reach into objects. Default `"score"`. */
  field?: string;
  /** `[min, max]`: scores outside it become `null` with a reason. Default: any finite number. */
  scale?: readonly [number, number];
  /**
   * A sample without the field (or with `null` there): `"null"` (default) gives a null score
   * for the mapper to impute; `"fail"` throws, naming the sample.
   */
  missing?: "null" | "fail";
}

// Plain decimal notation only: `Number()` alone would also take "0x1f", "" and "Infinity".
const NUMERIC = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Takes a sample's uncertainty score from its metadata, for scores computed outside UAL (a
 * judge run elsewhere, a dataset's own ratings). Numbers and numeric strings (`"42"`) are
 * accepted; anything else gives `score: null` with a reason, as the mapper expects.
 *
 * @example
 * ```ts
 * const sample = { id: "a", turns: [], metadata: { ratings: { gpt4: "71" } } };
 * scoreFromField(sample, { field: "ratings.gpt4", scale: [0, 99] });
 * // { score: 71, source: "field:ratings.gpt4" }
 * scoreFromField(sample);
 * // { score: null, reason: 'no field "score"', source: "field:score" }
 * ```
 *
 * @throws {Error} with `missing: "fail"`, when the field is absent or null.
 */
export function scoreFromField(sample: Sample, options: ScoreFromFieldOptions = {}): UncertaintyResult {
  const field = options.field ?? "score";
  const source = `field:${field}`;
  const lookup = lookupField(sample.metadata, field);

  if (!lookup.found || lookup.value === null) {
    const reason = lookup.found ? `field "${field}" is null` : `no field "${field}"`;
    if (options.missing === "fail") {
      const where = sample.location === undefined ? "" : ` (${sample.location.file}:${sample.location.line})`;
      throw new Error(
        `sample ${JSON.stringify(sample.id)}${where}: ${reason}; ` +
          `add the score, or set missing: "null" to let the mapper impute it`,
      );
    }
    return { score: null, reason, source };
  }

  const score = asNumber(lookup.value);
  if (score === undefined) {
    return { score: null, reason: `field "${field}" is not a number: ${preview(lookup.value)}`, source };
  }
  if (options.scale !== undefined) {
    const [min, max] = options.scale;
    if (score < min || score > max) return { score: null, reason: `score ${score} is outside [${min}, ${max}]`, source };
  }
  return { score, source };
}

function asNumber(value: JsonValue): number | undefined {
  // A sample built in code (not read from JSON) can carry NaN or Infinity.
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value === "string" && NUMERIC.test(value.trim())) return Number(value.trim());
  return undefined;
}

function preview(value: JsonValue): string {
  const text = typeof value === "number" ? String(value) : JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

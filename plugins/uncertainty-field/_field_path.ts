import type { JsonObject, JsonValue } from "@ual/core";

/** A field's value, or that it is absent. */
export type FieldLookup = { found: true; value: JsonValue } | { found: false };

/**
 * Finds `path` in `metadata`. A key spelled exactly like the whole path wins (some exports
 * flatten `ratings.gpt4` into one key); otherwise the path is followed segment by segment
 * through objects, and through arrays by numeric segments (`scores.0`).
 */
export function lookupField(metadata: JsonObject, path: string): FieldLookup {
  if (Object.hasOwn(metadata, path)) return found(metadata[path]);
  let current: JsonValue | undefined = metadata;
  for (const segment of path.split(".")) {
    if (Array.isArray(current)) {
      if (!/^\d+$/.test(segment)) return { found: false };
      current = current[Number(segment)];
    } else if (typeof current === "object" && current !== null && Object.hasOwn(current, segment)) {
      current = current[segment];
    } else {
      return { found: false };
    }
    if (current === undefined) return { found: false };
  }
  return found(current);
}

function found(value: JsonValue | undefined): FieldLookup {
  return value === undefined ? { found: false } : { found: true, value };
}

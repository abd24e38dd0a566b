/** Names a JSON value's type the way a person reading the data would: `array`, `null`, `string`. */
export function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

/** `{a, b, c}`: the keys of a record, for "got keys ..." messages; long lists are cut. */
export function keyList(record: Record<string, unknown>): string {
  const keys = Object.keys(record);
  const shown = keys.slice(0, 12).join(", ");
  return `{${shown}${keys.length > 12 ? `, ... (${keys.length} keys)` : ""}}`;
}

/** True for a JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

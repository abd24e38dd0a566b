/**
 * JSON with object keys sorted at every level, so that equal values always give equal text
 * (cache keys must not depend on the order options were written in).
 */
export function stableJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const item = (value as Record<string, unknown>)[key];
      // `undefined` is not JSON; dropping it keeps `{a: undefined}` and `{}` the same key.
      if (item !== undefined) out[key] = sortKeys(item);
    }
    return out;
  }
  return value;
}

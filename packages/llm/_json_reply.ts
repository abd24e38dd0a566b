/** A reply shortened for an error message: whitespace folded, at most 60 characters, quoted. */
export function quoteReply(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return JSON.stringify(flat.length > 60 ? `${flat.slice(0, 60)}...` : flat);
}

/**
 * The JSON objects a model's reply may carry its answer in — the whole reply (with a ```json
 * fence stripped) and the first flat object in prose that names `key` — parsed, in that order.
 * `body` is the reply without its fence; `startsLikeJson` tells a reply cut short (`{"score": 4`) from prose, so that callers never read
 * a number out of a truncated object.
 */
export function jsonReplyObjects(text: string, key: string): { objects: Array<{ value: Record<string, unknown>; text: string }>; body: string; startsLikeJson: boolean } {
  const body = text.replace(/^```(?:json)?\s*/i, "").replace(/\s*```$/, "").trim();
  const candidates = body.startsWith("{") ? [body] : [];
  const inner = new RegExp(`\\{[^{}]*"${key}"[^{}]*\\}`).exec(text);
  if (inner) candidates.push(inner[0]);
  const objects: Array<{ value: Record<string, unknown>; text: string }> = [];
  for (const candidate of candidates) {
    let value: unknown;
    try {
      value = JSON.parse(candidate);
    } catch {
      continue;
    }
    if (value !== null && typeof value === "object" && !Array.isArray(value)) objects.push({ value: value as Record<string, unknown>, text: candidate });
  }
  return { objects, body, startsLikeJson: body.startsWith("{") };
}

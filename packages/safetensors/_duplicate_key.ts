// JSON.parse keeps the last of two equal keys without a word, so a header naming a tensor twice
// would silently lose one of them. This scan finds such a key in one pass over text that
// JSON.parse has already accepted (so it need not handle malformed input).

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;

/** The first key that appears twice at the top level of the JSON object `text`, if any. */
export function firstDuplicateKey(text: string): string | undefined {
  const seen = new Set<string>();
  let depth = 0;
  let expectingKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const start = i;
      let escaped = false;
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === BACKSLASH) {
          i++; // skip the escaped character, which may itself be a quote
          escaped = true;
        } else if (d === QUOTE) break;
      }
      if (depth === 1 && expectingKey) {
        const raw = text.slice(start, i + 1);
        const key = escaped ? (JSON.parse(raw) as string) : raw.slice(1, -1);
        if (seen.has(key)) return key;
        seen.add(key);
        expectingKey = false;
      }
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      depth++;
      if (depth === 1) expectingKey = true;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      depth--;
    } else if (c === COMMA && depth === 1) {
      expectingKey = true;
    }
  }
  return undefined;
}

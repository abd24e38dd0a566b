/** One element of a top-level JSON array, not yet parsed. */
export interface ArrayElement {
  /** 1-based position in the array. */
  index: number;
  /** 1-based line where the element's text starts. */
  line: number;
  text: string;
}

/** A JSON array whose structure is broken, so its elements cannot be told apart. */
export class JsonArrayStructureError extends Error {
  override name = "JsonArrayStructureError";
  readonly line: number;

  constructor(line: number, message: string) {
    super(message);
    this.line = line;
  }
}

const NEWLINE = 10;
const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;

const isSpace = (c: number) => c === 32 || c === 9 || c === 13 || c === NEWLINE;

/**
 * Cuts the text of a top-level JSON array into its elements' texts, noting the line each
 * starts on. One pass over the characters, tracking only strings and nesting depth: the
 * elements are parsed one by one afterwards, so one bad element is one invalid record (with
 * its own line) rather than a failure of the whole file — which is what `JSON.parse` of the
 * whole text would give.
 *
 * Throws {@linkcode JsonArrayStructureError} when the array itself is broken (not closed,
 * an unterminated string, text after the closing bracket).
 */
export function splitJsonArray(text: string): ArrayElement[] {
  const n = text.length;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  const skipSpace = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (!isSpace(c)) break;
      if (c === NEWLINE) line++;
      i++;
    }
  };

  skipSpace();
  if (text.charCodeAt(i) !== OPEN_BRACKET) throw new JsonArrayStructureError(line, 'expected "[" to open a JSON array');
  i++;
  const elements: ArrayElement[] = [];
  skipSpace();
  if (text.charCodeAt(i) === CLOSE_BRACKET) {
    i++;
  } else {
    for (;;) {
      skipSpace();
      const start = i;
      const startLine = line;
      let depth = 0;
      // Scan to the "," or "]" that ends this element at the array's own depth.
      for (; i < n; i++) {
        const c = text.charCodeAt(i);
        if (c === QUOTE) {
          const stringLine = line;
          for (i++; i < n; i++) {
            const s = text.charCodeAt(i);
            if (s === BACKSLASH) i++;
            else if (s === QUOTE) break;
            else if (s === NEWLINE) line++;
          }
          if (i >= n) throw new JsonArrayStructureError(stringLine, "a string is never closed");
        } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
          depth++;
        } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
          if (depth === 0) break;
          depth--;
        } else if (c === COMMA && depth === 0) {
          break;
        } else if (c === NEWLINE) {
          line++;
        }
      }
      if (i >= n) throw new JsonArrayStructureError(startLine, 'the JSON array is never closed (missing "]")');
      elements.push({ index: elements.length + 1, line: startLine, text: text.slice(start, i).trimEnd() });
      const end = text.charCodeAt(i);
      i++;
      if (end === COMMA) continue;
      if (end === CLOSE_BRACE) throw new JsonArrayStructureError(line, 'unexpected "}" where the array should continue or end');
      break;
    }
  }
  skipSpace();
  if (i < n) throw new JsonArrayStructureError(line, 'unexpected text after the "]" that closes the JSON array');
  return elements;
}

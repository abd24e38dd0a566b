/** What a secret is replaced with wherever the run writes text. */
export const REDACTED = "[redacted]";

/**
 * Makes a function that replaces every occurrence of the given secret values in a text. The
 * runner passes every line it writes (events, logs, errors, the resolved manifest) through it,
 * so a key that leaks into a message never reaches disk or the terminal.
 *
 * @example
 * ```ts
 * const redact = createRedactor(["sk-123456789"]);
 * redact("401: bad key sk-123456789"); // "401: bad key [redacted]"
 * ```
 */
export function createRedactor(secrets: Iterable<string | undefined>): (text: string) => string {
  // Very short values would blank out ordinary words; real API keys are long.
  const values = [...new Set([...secrets].filter((s): s is string => typeof s === "string" && s.length >= 6))]
    // Longest first, so a secret that contains another is replaced whole.
    .sort((a, b) => b.length - a.length);
  if (values.length === 0) return (text) => text;
  return (text) => {
    let out = text;
    for (const value of values) {
      if (out.includes(value)) out = out.split(value).join(REDACTED);
    }
    return out;
  };
}

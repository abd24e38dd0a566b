/** What a secret is replaced with. */
export const SCRUBBED = "[redacted]";

// Key-shaped words an API may echo back, whole or masked ("Incorrect API key provided: sk-ab***yz").
const KEY_SHAPES = /\b(?:sk|pk|rk|key)-[A-Za-z0-9_*\-]{4,}|\b(?:Bearer|Basic)\s+[A-Za-z0-9_*.\-+/=]{5,}[A-Za-z0-9_*\-+/=]/g;

/**
 * Removes secrets from a text before it is stored or shown: every given value (6 characters or
 * more), and anything shaped like an API key or an Authorization header, which is how an API
 * error echoes a key — often masked, which a plain search for the value would miss. The core
 * runner redacts again what it writes; the reply cache has no such net, hence this.
 *
 * @example
 * ```ts
 * scrubSecrets("401: Incorrect API key provided: sk-proj-ab**********yz", ["sk-proj-abc123xyz"]);
 * // "401: Incorrect API key provided: [redacted]"
 * ```
 */
export function scrubSecrets(text: string, secrets: Iterable<string | undefined> = []): string {
  let out = text;
  const values = [...new Set([...secrets].filter((s): s is string => typeof s === "string" && s.length >= 6))].sort((a, b) => b.length - a.length);
  for (const value of values) if (out.includes(value)) out = out.split(value).join(SCRUBBED);
  return out.replace(KEY_SHAPES, SCRUBBED);
}

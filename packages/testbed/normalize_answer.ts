/**
 * An answer as the testbed compares answers: trimmed, lower-cased, inner whitespace collapsed and
 * one trailing `.` or `!` dropped — so `" Tuesday."` and `"tuesday"` are the same answer, while
 * `"tac"` and `"cat"` stay different.
 *
 * @example
 * ```ts
 * normalizeAnswer("  Apple. "); // "apple"
 * ```
 */
export function normalizeAnswer(answer: string): string {
  return answer
    .trim()
    .replace(/[.!]$/, "")
    .trim()
    .replace(/\s+/g, " ")
    .toLowerCase();
}

const NUMBER = /-?\d[\d,]*(?:\.\d+)?/g;

/**
 * The answer in a model's (or a reference's) text, tried in this order (spec §6.2):
 * 1. after GSM8K's `#### ` marker;
 * 2. after "The answer is" (case-insensitive);
 * 3. when `numeric` is true, the last number in the text;
 * 4. else the first line.
 * The result is normalised: trimmed, lower-cased, a trailing period and thousands commas dropped.
 *
 * @example
 * ```ts
 * extractAnswer("3 + 4 = 7\n#### 7");            // "7"
 * extractAnswer("So, the answer is 1,024.");     // "1024"
 * extractAnswer("It costs 5 then 12", { numeric: true }); // "12"
 * ```
 */
export function extractAnswer(text: string, options: { numeric?: boolean } = {}): string {
  const marked = /####\s*(.+)/.exec(text);
  if (marked) return normalize(marked[1] as string);
  const stated = /the answer is[:\s]*(.+)/i.exec(text);
  if (stated) return normalize((stated[1] as string).split("\n")[0] as string);
  if (options.numeric) {
    const numbers = text.match(NUMBER);
    if (numbers && numbers.length > 0) return normalize(numbers[numbers.length - 1] as string);
  }
  return normalize(text.split("\n").find((l) => l.trim() !== "") ?? "");
}

function normalize(answer: string): string {
  let a = answer.trim().toLowerCase().replace(/[.。]+$/, "").trim();
  // "1,024" and "1024" are the same number; commas elsewhere are text
  if (/^-?\d{1,3}(,\d{3})+(\.\d+)?$/.test(a)) a = a.replaceAll(",", "");
  return a;
}

/**
 * Whether a prediction matches the reference answer. `strict` (default): the extracted answers
 * are equal. `substring`: the reference's answer occurs in the prediction's text — the reference
 * code's lenient check (spec §6.2), which rewards answers that list many candidates.
 *
 * @example
 * ```ts
 * isExactMatch("The answer is 7.", "#### 7");                      // true
 * isExactMatch("7 or 8", "#### 7");                                 // false
 * isExactMatch("7 or 8", "#### 7", { mode: "substring" });          // true
 * ```
 */
export function isExactMatch(prediction: string, reference: string, options: { mode?: "strict" | "substring" } = {}): boolean {
  const numeric = /^-?\d[\d,]*(\.\d+)?$/.test(extractAnswer(reference));
  const expected = extractAnswer(reference, { numeric });
  if ((options.mode ?? "strict") === "substring") return prediction.toLowerCase().includes(expected);
  return extractAnswer(prediction, { numeric }) === expected;
}

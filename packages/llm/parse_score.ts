import { jsonReplyObjects, quoteReply as quote } from "./_json_reply.ts";

/** The lowest and highest score of the paper's scale (spec §1.2). */
export const SCORE_RANGE = { min: 0, max: 99 } as const;

/** Which rule read the score (spec §1.3): a JSON object, a keyword, "n out of 99", or the first number. */
export type ScoreRule = "json" | "keyword" | "out-of" | "first-number";

/** A score read from a reply, or `null` with the reason it could not be. */
export type ParsedScore = { score: number; rule: ScoreRule } | { score: null; reason: string };

// An echoed band such as "70-99", "40–69" or "0 to 99": its numbers are the rubric's, not a rating.
const RANGE_AFTER = /^\s*(?:-|–|—|to)\s*\d/;
const RANGE_BEFORE = /\d\s*(?:-|–|—|to)\s*$/;
// "out of 99" / "/99": the scale's top, not a rating.
const SCALE_BEFORE = /(?:out of|\/)\s*$/i;

function inRange(value: number): boolean {
  return Number.isFinite(value) && value >= SCORE_RANGE.min && value <= SCORE_RANGE.max;
}

function isEchoedRange(text: string, start: number, end: number): boolean {
  return RANGE_AFTER.test(text.slice(end, end + 8)) || RANGE_BEFORE.test(text.slice(Math.max(0, start - 8), start));
}

function isNegative(text: string, start: number): boolean {
  // "-5" is a negative number, "40-69" a range (handled above).
  return text[start - 1] === "-" && !/\d\s*$/.test(text.slice(Math.max(0, start - 4), start - 1));
}

function fromJson(text: string): ParsedScore | undefined {
  const { objects, body, startsLikeJson } = jsonReplyObjects(text, "score");
  for (const { value, text: candidate } of objects) {
    if (!("score" in value)) return { score: null, reason: `the JSON reply has no "score": ${quote(candidate)}` };
    const raw = value.score;
    const score = typeof raw === "string" && raw.trim() !== "" ? Number(raw) : raw;
    if (typeof score !== "number" || !Number.isFinite(score)) return { score: null, reason: `"score" is not a number: ${quote(JSON.stringify(raw) ?? "")}` };
    if (!inRange(score)) return { score: null, reason: `score ${score} is outside ${SCORE_RANGE.min}–${SCORE_RANGE.max}` };
    return { score, rule: "json" };
  }
  // Starts like JSON but does not parse: a truncated reply. Reading "42" out of `{"score": 4`
  // would be wrong, so the prose rules are not tried on it.
  if (startsLikeJson) return { score: null, reason: `malformed JSON reply: ${quote(body)}` };
  return undefined;
}

/**
 * Reads a 0–99 score from a model's reply (spec §1.3, with the project's structured answer first):
 *
 * 1. a JSON object `{"score": n}` (the reply our rubric asks for; fenced or inside prose);
 * 2. a keyword: `/(?:score|rating|rated?)\D{0,20}?(\d{1,2})(?!\d)/i`, first match;
 * 3. `n/99` or `n out of 99`;
 * 4. the first whole number in 0–99.
 *
 * Numbers of an echoed band ("70-99", "40–69", "0 to 99") and the scale's top ("out of 99") are
 * never taken for a rating. A score outside 0–99, an empty reply, a truncated JSON object or a
 * reply without a number gives `null` with the reason (the caller re-asks once, spec §9).
 *
 * @example
 * ```ts
 * parseScore('{"score": 42}');                    // { score: 42, rule: "json" }
 * parseScore("Bands 0-39, 40-69, 70-99. Rating: 55"); // { score: 55, rule: "keyword" }
 * parseScore("It falls in 70-99.");                // { score: null, reason: "no score in the reply: ..." }
 * ```
 */
export function parseScore(reply: string): ParsedScore {
  const text = reply.trim();
  if (text === "") return { score: null, reason: "empty reply" };

  const json = fromJson(text);
  if (json) return json;

  for (const match of text.matchAll(/(?:score|rating|rated?)\D{0,20}?(\d{1,2})(?!\d)/gi)) {
    const digits = match[1] as string;
    const start = (match.index ?? 0) + match[0].length - digits.length;
    const end = start + digits.length;
    if (isEchoedRange(text, start, end) || isNegative(text, start)) continue;
    return { score: Number(digits), rule: "keyword" };
  }

  const outOf = /\b(\d{1,2})\s*(?:\/|out of)\s*99\b/i.exec(text);
  if (outOf) return { score: Number(outOf[1]), rule: "out-of" };

  for (const match of text.matchAll(/\d+(?:\.\d+)?/g)) {
    const start = match.index ?? 0;
    const end = start + match[0].length;
    if (isEchoedRange(text, start, end) || SCALE_BEFORE.test(text.slice(Math.max(0, start - 8), start)) || isNegative(text, start)) continue;
    const value = Number(match[0]);
    if (Number.isInteger(value) && inRange(value)) return { score: value, rule: "first-number" };
  }
  return { score: null, reason: `no score in the reply: ${quote(text)}` };
}

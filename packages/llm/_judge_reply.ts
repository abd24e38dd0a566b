import type { JsonObject, JsonValue } from "@ual/core";
import type { JudgeAnswer } from "./judge_provider.ts";
import { parseVerdict } from "./parse_verdict.ts";
import type { RatingReply } from "./rating_provider.ts";
import type { Verdict } from "./verdict_schema.ts";

// A verdict is kept in the cache's numeric `score` column as the reference's judgment number
// (spec §6.4): 1 = the first answer is better, 2 = neither, 3 = the first is worse.
const NUMBER_OF: Record<Verdict, number> = { A: 1, tie: 2, B: 3 };

/** The verdict stored as `score`, or undefined for a number that is none. */
export function verdictOfScore(score: number | null): Verdict | undefined {
  return score === 1 ? "A" : score === 2 ? "tie" : score === 3 ? "B" : undefined;
}

/**
 * A judge's answer as the request path handles replies: read into a verdict (stored as its
 * number), with what the cache keeps of it — the text, why it stopped, a refusal — and never
 * the request.
 */
export function judgeReply(answer: JudgeAnswer): RatingReply {
  const raw: JsonObject = { text: answer.text, stop: answer.stop ?? null };
  if (answer.refusal !== undefined) raw.refusal = answer.refusal;
  const usage = { inputTokens: answer.inputTokens, outputTokens: answer.outputTokens };
  if (answer.refusal !== undefined) return { raw, score: null, reason: `refused: ${answer.refusal.slice(0, 120) || "(no text)"}`, ...usage };
  const parsed = parseVerdict(answer.text);
  if (parsed.verdict === null) return { raw, score: null, reason: `${parsed.reason}${answer.truncated ? " (the reply hit maxOutputTokens)" : ""}`, ...usage };
  return { raw, score: NUMBER_OF[parsed.verdict], ...usage };
}

/** The rationale of a stored reply (read again from its text). */
export function rationaleOf(raw: JsonValue | undefined): string | undefined {
  const text = raw !== null && typeof raw === "object" && !Array.isArray(raw) ? raw.text : undefined;
  if (typeof text !== "string") return undefined;
  const parsed = parseVerdict(text);
  return parsed.verdict === null ? undefined : parsed.rationale;
}

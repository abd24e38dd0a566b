import type { JsonValue } from "@ual/core";
import { claudeMessageParts, parseScore, SCORE_RANGE, type RatingReply } from "@ual/llm";

/** The name of the tool Claude is made to call. */
export const SCORE_TOOL = "record_score";

/**
 * Reads a Claude message (a synchronous reply or one result of a message batch) into a score:
 * the input of the forced `record_score` tool call, or — when there is no tool call — the text,
 * by spec §1.3's rules. A refusal, an empty reply or a score outside 0–99 gives `null` with the
 * reason; a message without a content list is malformed (retried, like a truncated body).
 *
 * @example
 * ```ts
 * readMessage({ content: [{ type: "tool_use", name: "record_score", input: { score: 42 } }], usage: { input_tokens: 900, output_tokens: 40 } });
 * // { score: 42, inputTokens: 900, outputTokens: 40, raw: { ... } }
 * ```
 */
export function readMessage(message: unknown): RatingReply {
  const { text, stop, toolCalled, toolInput, inputTokens, outputTokens, content } = claudeMessageParts(message, SCORE_TOOL);
  const usage = { inputTokens, outputTokens };
  const raw: { [key: string]: JsonValue } = { content: content as unknown as JsonValue, stop_reason: stop };
  if (stop === "refusal") return { raw, score: null, reason: `refused: ${text.slice(0, 120) || "(no text)"}`, ...usage };
  if (toolCalled) {
    const value = (toolInput as { score?: unknown } | null)?.score;
    const score = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
    if (typeof score !== "number" || !Number.isFinite(score)) return { raw, score: null, reason: `the tool call has no numeric score: ${JSON.stringify(toolInput).slice(0, 80)}`, ...usage };
    if (score < SCORE_RANGE.min || score > SCORE_RANGE.max) return { raw, score: null, reason: `score ${score} is outside ${SCORE_RANGE.min}–${SCORE_RANGE.max}`, ...usage };
    return { raw, score, ...usage };
  }
  const parsed = parseScore(text);
  if (parsed.score === null) {
    const cut = stop === "max_tokens" ? " (the reply hit maxOutputTokens)" : "";
    return { raw, score: null, reason: `${parsed.reason}${cut}`, ...usage };
  }
  return { raw, score: parsed.score, ...usage };
}

import { claudeMessageParts, VERDICT_TOOL_NAME, type JudgeAnswer } from "@ual/llm";

/**
 * A Claude message as a judge's answer: the input of the forced `record_verdict` tool call as
 * JSON text, or — without a tool call — the message's text; a `refusal` stop, whether it hit
 * `max_tokens`, and the token usage. A message without a content list is malformed (retried).
 *
 * @example
 * ```ts
 * answerFromMessage({ content: [{ type: "tool_use", name: "record_verdict", input: { rationale: "…", verdict: "B" } }], stop_reason: "tool_use" });
 * // { text: '{"rationale":"…","verdict":"B"}', stop: "tool_use", truncated: false, inputTokens: 0, outputTokens: 0 }
 * ```
 */
export function answerFromMessage(message: unknown): JudgeAnswer {
  const { text, stop, toolCalled, toolInput, inputTokens, outputTokens } = claudeMessageParts(message, VERDICT_TOOL_NAME);
  const usage = { inputTokens, outputTokens };
  if (stop === "refusal") return { text, refusal: text || "(no text)", stop, ...usage };
  return { text: toolCalled ? JSON.stringify(toolInput) : text, stop, truncated: stop === "max_tokens", ...usage };
}

import { MalformedReplyError, VERDICT_TOOL_NAME, type JudgeAnswer } from "@ual/llm";

interface Block {
  type?: string;
  name?: string;
  input?: unknown;
  text?: string;
}

interface Message {
  content?: Block[] | null;
  stop_reason?: string | null;
  usage?: { input_tokens?: number; output_tokens?: number } | null;
}

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
  const body = (message ?? {}) as Message;
  if (!Array.isArray(body.content)) throw new MalformedReplyError("the message has no content list");
  const stop = body.stop_reason ?? null;
  const usage = { inputTokens: body.usage?.input_tokens ?? 0, outputTokens: body.usage?.output_tokens ?? 0 };
  const text = body.content.filter((b) => b.type === "text").map((b) => b.text ?? "").join("\n");
  if (stop === "refusal") return { text, refusal: text || "(no text)", stop, ...usage };
  const call = body.content.find((b) => b.type === "tool_use" && b.name === VERDICT_TOOL_NAME);
  return { text: call ? JSON.stringify(call.input ?? null) : text, stop, truncated: stop === "max_tokens", ...usage };
}

import { MalformedReplyError } from "./malformed_reply_error.ts";

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

/** The parts of a Claude message the rater and the judge read. */
export interface ClaudeMessageParts {
  /** The message's text blocks, joined with newlines. */
  text: string;
  /** Why generation stopped (`end_turn`, `tool_use`, `max_tokens`, `refusal`, ...). */
  stop: string | null;
  /** Whether a `tool_use` block of the named tool was there, and its input. */
  toolCalled: boolean;
  toolInput: unknown;
  inputTokens: number;
  outputTokens: number;
  /** The content blocks as sent, for the cache's raw record. */
  content: unknown[];
}

/**
 * Splits a Claude message (a synchronous reply or a message-batch result) into its text, its
 * stop reason, the input of the forced tool call `toolName` and the token usage — the one
 * reading of the Messages wire format that the rater and the judge share. A message without a
 * content list is malformed, and so retried like a truncated body.
 *
 * @example
 * ```ts
 * claudeMessageParts({ content: [{ type: "tool_use", name: "record_score", input: { score: 42 } }] }, "record_score");
 * // { text: "", stop: null, toolCalled: true, toolInput: { score: 42 }, inputTokens: 0, outputTokens: 0, content: [...] }
 * ```
 */
export function claudeMessageParts(message: unknown, toolName: string): ClaudeMessageParts {
  const body = (message ?? {}) as Message;
  if (!Array.isArray(body.content)) throw new MalformedReplyError("the message has no content list");
  const call = body.content.find((b) => b.type === "tool_use" && b.name === toolName);
  return {
    text: body.content.filter((b) => b.type === "text").map((b) => b.text ?? "").join("\n"),
    stop: body.stop_reason ?? null,
    toolCalled: call !== undefined,
    toolInput: call?.input ?? null,
    inputTokens: body.usage?.input_tokens ?? 0,
    outputTokens: body.usage?.output_tokens ?? 0,
    content: body.content,
  };
}

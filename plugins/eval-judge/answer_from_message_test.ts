import { describe, expect, it } from "vitest";
import { answerFromMessage } from "./answer_from_message.ts";

const usage = { input_tokens: 900, output_tokens: 40 };

describe("answerFromMessage()", () => {
  it("answerFromMessage() turns the forced tool call's input into JSON text", () => {
    const message = { content: [{ type: "tool_use", id: "t", name: "record_verdict", input: { rationale: "B is wrong", verdict: "A" } }], stop_reason: "tool_use", usage };
    expect(answerFromMessage(message)).toEqual({ text: '{"rationale":"B is wrong","verdict":"A"}', stop: "tool_use", truncated: false, inputTokens: 900, outputTokens: 40 });
  });

  it("answerFromMessage() falls back to the text, and reports refusals and replies cut at max_tokens", () => {
    expect(answerFromMessage({ content: [{ type: "text", text: "### Judgment: 2" }], stop_reason: "end_turn", usage }).text).toBe("### Judgment: 2");
    expect(answerFromMessage({ content: [{ type: "text", text: "I won't." }], stop_reason: "refusal" })).toMatchObject({ refusal: "I won't." });
    expect(answerFromMessage({ content: [{ type: "text", text: "{" }], stop_reason: "max_tokens" })).toMatchObject({ truncated: true });
  });

  it("answerFromMessage() calls a message without a content list malformed, to be retried", () => {
    expect(() => answerFromMessage({ content: null })).toThrow(expect.objectContaining({ name: "MalformedReplyError" }));
  });
});

import { describe, expect, it } from "vitest";
import { claudeMessageParts } from "./claude_message.ts";
import { MalformedReplyError } from "./malformed_reply_error.ts";

describe("claudeMessageParts()", () => {
  it("claudeMessageParts() finds the named tool call, joins text blocks and reads usage", () => {
    const parts = claudeMessageParts(
      {
        content: [{ type: "text", text: "a" }, { type: "tool_use", name: "other", input: { x: 1 } }, { type: "text", text: "b" }, { type: "tool_use", name: "record_score", input: { score: 7 } }],
        stop_reason: "tool_use",
        usage: { input_tokens: 12, output_tokens: 3 },
      },
      "record_score",
    );
    expect(parts).toMatchObject({ text: "a\nb", stop: "tool_use", toolCalled: true, toolInput: { score: 7 }, inputTokens: 12, outputTokens: 3 });
    expect(parts.content).toHaveLength(4);
  });

  it("claudeMessageParts() reports no call when the tool is absent, and rejects a message without content", () => {
    expect(claudeMessageParts({ content: [] }, "t")).toMatchObject({ toolCalled: false, toolInput: null, stop: null, text: "" });
    expect(() => claudeMessageParts({ stop_reason: "end_turn" }, "t")).toThrow(MalformedReplyError);
  });
});

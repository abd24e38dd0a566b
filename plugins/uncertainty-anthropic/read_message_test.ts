import { describe, expect, it } from "vitest";
import { readMessage } from "./read_message.ts";

const message = (content: unknown[], stop_reason = "tool_use") => ({ content, stop_reason, usage: { input_tokens: 900, output_tokens: 40 } });
const tool = (input: unknown) => ({ type: "tool_use", id: "toolu_1", name: "record_score", input });

describe("readMessage()", () => {
  it("readMessage() reads the forced tool call's score and the token usage", () => {
    expect(readMessage(message([tool({ score: 42 })]))).toMatchObject({ score: 42, inputTokens: 900, outputTokens: 40, raw: { stop_reason: "tool_use" } });
  });

  it("readMessage() gives null with the reason for a score out of range or not a number", () => {
    expect(readMessage(message([tool({ score: 150 })]))).toMatchObject({ score: null, reason: "score 150 is outside 0–99" });
    expect(readMessage(message([tool({ rating: 3 })]))).toMatchObject({ score: null, reason: expect.stringContaining("no numeric score") });
  });

  it("readMessage() gives null for refusals and empty replies", () => {
    expect(readMessage(message([{ type: "text", text: "I can't rate this." }], "refusal"))).toMatchObject({ score: null, reason: "refused: I can't rate this." });
    expect(readMessage(message([], "end_turn"))).toMatchObject({ score: null, reason: "empty reply" });
  });

  it("readMessage() reads a text reply by spec §1.3's rules, ignoring echoed bands", () => {
    expect(readMessage(message([{ type: "text", text: '{"score": 12}' }], "end_turn")).score).toBe(12);
    expect(readMessage(message([{ type: "text", text: "Bands 0-39, 40-69, 70-99." }], "end_turn")).score).toBeNull();
  });

  it("readMessage() calls a message without a content list malformed, to be retried", () => {
    expect(() => readMessage({ content: null })).toThrow(expect.objectContaining({ name: "MalformedReplyError" }));
  });
});

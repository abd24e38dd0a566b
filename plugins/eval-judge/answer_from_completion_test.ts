import { describe, expect, it } from "vitest";
import { answerFromCompletion } from "./answer_from_completion.ts";

describe("answerFromCompletion()", () => {
  it("answerFromCompletion() takes the message text, the finish reason and the usage", () => {
    const completion = { choices: [{ message: { content: '{"verdict":"A"}', refusal: null }, finish_reason: "stop" }], usage: { prompt_tokens: 900, completion_tokens: 60 } };
    expect(answerFromCompletion(completion)).toEqual({ text: '{"verdict":"A"}', stop: "stop", truncated: false, inputTokens: 900, outputTokens: 60 });
  });

  it("answerFromCompletion() reports a refusal and a reply cut at the token limit", () => {
    expect(answerFromCompletion({ choices: [{ message: { content: null, refusal: "No." }, finish_reason: "stop" }] })).toMatchObject({ text: "", refusal: "No." });
    expect(answerFromCompletion({ choices: [{ message: { content: '{"rationale": "lo' }, finish_reason: "length" }] })).toMatchObject({ truncated: true });
  });

  it("answerFromCompletion() calls a completion without a message malformed, to be retried", () => {
    expect(() => answerFromCompletion({ choices: [] })).toThrow(expect.objectContaining({ name: "MalformedReplyError" }));
  });
});

import { describe, expect, test } from "vitest";
import { userMessageRequest } from "./user_message_request.ts";

describe("userMessageRequest()", () => {
  test("asks the prompt as the single user message, with the parameters beside it", () => {
    expect(userMessageRequest("m", "Rate this.", { temperature: 0, max_tokens: 8 })).toEqual({
      model: "m",
      messages: [{ role: "user", content: "Rate this." }],
      temperature: 0,
      max_tokens: 8,
    });
  });
});

import { describe, expect, test } from "vitest";
import { anthropicClientOptions, anthropicMessagesParams, forcedTool } from "./anthropic_messages_request.ts";

const tool = { name: "record_score", description: "Record the rating.", input_schema: { type: "object" } };

describe("anthropicMessagesParams()", () => {
  test("sends max_tokens, then the sampling settings that are set, then the answer's", () => {
    const params = anthropicMessagesParams({ maxOutputTokens: 100, temperature: 0, topP: 0.5 }, forcedTool(tool));
    expect(params).toEqual({ max_tokens: 100, temperature: 0, top_p: 0.5, tools: [tool], tool_choice: { type: "tool", name: "record_score" } });
    expect(Object.keys(params)).toEqual(["max_tokens", "temperature", "top_p", "tools", "tool_choice"]);
  });

  test("leaves unset settings out", () => {
    expect(anthropicMessagesParams({ maxOutputTokens: 16, temperature: null })).toEqual({ max_tokens: 16 });
  });
});

describe("anthropicClientOptions()", () => {
  test("turns the SDK's retries and auth token off, and unset values into null so the SDK reads no environment", () => {
    expect(anthropicClientOptions({ apiKey: undefined, baseURL: undefined })).toEqual({ apiKey: null, authToken: null, baseURL: null, maxRetries: 0 });
    expect(anthropicClientOptions({ apiKey: "k", baseURL: "http://127.0.0.1:1" })).toEqual({ apiKey: "k", authToken: null, baseURL: "http://127.0.0.1:1", maxRetries: 0 });
  });
});

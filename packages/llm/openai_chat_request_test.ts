import { describe, expect, test } from "vitest";
import { jsonSchemaResponseFormat, openaiChatParams, openaiClientOptions } from "./openai_chat_request.ts";

describe("openaiChatParams()", () => {
  test("sends the length under the chosen parameter, then the sampling settings that are set, then the answer's", () => {
    const params = openaiChatParams({ maxTokensParam: "max_tokens", maxOutputTokens: 32, temperature: 0.5, topP: 0.9, seed: 7 }, { logprobs: true });
    expect(params).toEqual({ max_tokens: 32, temperature: 0.5, top_p: 0.9, seed: 7, logprobs: true });
    // The key order is the request's: the object is part of the cache key.
    expect(Object.keys(params)).toEqual(["max_tokens", "temperature", "top_p", "seed", "logprobs"]);
  });

  test("leaves unset settings out (a null temperature is the API's default), not as null or undefined", () => {
    const params = openaiChatParams({ maxTokensParam: "max_completion_tokens", maxOutputTokens: 8, temperature: null });
    expect(params).toEqual({ max_completion_tokens: 8 });
    expect(Object.keys(params)).toEqual(["max_completion_tokens"]);
  });
});

describe("jsonSchemaResponseFormat()", () => {
  test("is a strict structured output with the given name and schema", () => {
    const schema = { type: "object", properties: {}, additionalProperties: false };
    expect(jsonSchemaResponseFormat("record", schema)).toEqual({ response_format: { type: "json_schema", json_schema: { name: "record", strict: true, schema } } });
  });
});

describe("openaiClientOptions()", () => {
  test("turns the SDK's retries off and an unset base URL into null, so the SDK reads no environment for it", () => {
    expect(openaiClientOptions({ apiKey: "k", baseURL: undefined })).toEqual({ apiKey: "k", baseURL: null, maxRetries: 0 });
    expect(openaiClientOptions({ apiKey: undefined, baseURL: "http://127.0.0.1:1/v1" })).toEqual({ apiKey: undefined, baseURL: "http://127.0.0.1:1/v1", maxRetries: 0 });
  });
});

import { isPlugin } from "@ual/core";
import { describe, expect, it } from "vitest";
import { createOpenAIProvider } from "./openai_provider.ts";
import { plugin } from "./plugin.ts";

describe("plugin", () => {
  it("plugin is an uncertainty plugin that needs OPENAI_API_KEY and honours OPENAI_BASE_URL", () => {
    expect(isPlugin(plugin)).toBe(true);
    expect(plugin).toMatchObject({ name: "@ual/uncertainty-openai", version: "0.1.0", kind: "uncertainty", apiVersion: 1 });
    expect(plugin.secrets).toEqual({
      apiKey: expect.objectContaining({ env: "OPENAI_API_KEY", required: true }),
      baseURL: expect.objectContaining({ env: "OPENAI_BASE_URL" }),
    });
    expect(plugin.secrets?.baseURL?.required).toBeUndefined();
  });

  it("plugin options need a model, have documented defaults and reject unknown keys", () => {
    expect(plugin.options.safeParse({}).success).toBe(false);
    expect(plugin.options.parse({ model: "gpt-4.1" })).toEqual({
      model: "gpt-4.1",
      conversationFormat: "labelled",
      temperature: 0,
      mode: "sync",
      concurrency: 8,
      timeoutMs: 60_000,
      maxAttempts: 6,
      retryBaseDelayMs: 1000,
      cache: true,
      batchSize: 10_000,
      batchWindowMs: 2_000,
      batchPollMs: 30_000,
      maxOutputTokens: 32,
      responseFormat: "json_schema",
      logprobs: false,
      topLogprobs: 20,
      maxTokensParam: "max_completion_tokens",
    });
    expect(plugin.options.safeParse({ model: "gpt-4.1", temprature: 0 }).success).toBe(false);
    expect(plugin.options.safeParse({ model: "gpt-4.1", mode: "stream" }).success).toBe(false);
    expect(plugin.options.safeParse({ model: "gpt-4.1", topLogprobs: 21 }).success).toBe(false);
    expect(plugin.options.safeParse({ model: "gpt-4.1", prices: { "gpt-4.1": { input: 2 } } }).success).toBe(false);
  });

  it("createOpenAIProvider() puts every answer-shaping parameter into the cache key's params", () => {
    const provider = createOpenAIProvider(plugin.options.parse({ model: "gpt-4.1", topP: 0.9, seed: 7, logprobs: true, topLogprobs: 5 }), { apiKey: undefined, baseURL: undefined });
    expect(provider.params).toEqual({
      max_completion_tokens: 32,
      temperature: 0,
      top_p: 0.9,
      seed: 7,
      response_format: { type: "json_schema", json_schema: expect.objectContaining({ name: "uncertainty_rating", strict: true }) },
      logprobs: true,
      top_logprobs: 5,
    });
    const plain = createOpenAIProvider(plugin.options.parse({ model: "gpt-4.1", temperature: null, responseFormat: "text", maxTokensParam: "max_tokens" }), { apiKey: undefined, baseURL: undefined });
    expect(plain.params).toEqual({ max_tokens: 32 });
  });
});

import { isPlugin } from "@ual/core";
import { describe, expect, it } from "vitest";
import { createAnthropicJudgeProvider } from "./anthropic_judge_provider.ts";
import { createOpenAIJudgeProvider } from "./openai_judge_provider.ts";
import { plugin } from "./plugin.ts";

const required = { provider: "openai", model: "gpt-4.1", prompts: "q.jsonl", baseline: "b.jsonl" };
const none = { apiKey: undefined, baseURL: undefined };

describe("plugin", () => {
  it("plugin is an evaluator that declares both providers' keys and base URLs, none of them required", () => {
    expect(isPlugin(plugin)).toBe(true);
    expect(plugin).toMatchObject({ name: "@ual/eval-judge", version: "0.1.0", kind: "evaluator", apiVersion: 1 });
    expect(Object.fromEntries(Object.entries(plugin.secrets ?? {}).map(([name, spec]) => [name, spec.env]))).toEqual({
      openaiApiKey: "OPENAI_API_KEY",
      openaiBaseURL: "OPENAI_BASE_URL",
      anthropicApiKey: "ANTHROPIC_API_KEY",
      anthropicBaseURL: "ANTHROPIC_BASE_URL",
    });
    expect(Object.values(plugin.secrets ?? {}).every((spec) => spec.required === undefined)).toBe(true);
  });

  it("plugin options need a provider, a model, prompts and a baseline, have documented defaults and reject unknown keys", () => {
    expect(plugin.options.safeParse({ model: "gpt-4.1", prompts: "q", baseline: "b" }).success).toBe(false);
    expect(plugin.options.parse(required)).toEqual({
      ...required,
      turns: "first",
      labels: { a: "responses", b: "baseline" },
      output: "judge.jsonl",
      answer: "structured",
      maxOutputTokens: 1024,
      maxTokensParam: "max_completion_tokens",
      temperature: 0,
      concurrency: 8,
      timeoutMs: 60_000,
      maxAttempts: 6,
      retryBaseDelayMs: 1000,
      cache: true,
    });
    expect(plugin.options.parse({ ...required, labels: { a: "UAL" } }).labels).toEqual({ a: "UAL", b: "baseline" });
    expect(plugin.options.safeParse({ ...required, provider: "gemini" }).success).toBe(false);
    expect(plugin.options.safeParse({ ...required, turns: 2 }).success).toBe(false);
    expect(plugin.options.safeParse({ ...required, mode: "batch" }).success).toBe(false);
    expect(plugin.options.safeParse({ ...required, output: "../judge.jsonl" }).success).toBe(false);
    expect(plugin.options.safeParse({ ...required, output: ".." }).success).toBe(false);
  });

  it("plugin options: generate: has documented defaults, and is refused with responses: or when it would overwrite the verdicts' file", () => {
    expect(plugin.options.parse({ ...required, generate: {} }).generate).toEqual({
      maxNewTokens: 256,
      temperature: 0,
      stop: ["\n### User:"],
      batchSize: 8,
      backend: "auto",
      output: "responses.jsonl",
    });
    expect(plugin.options.parse({ ...required, generate: { temperature: 0.7, topK: 40, topP: 0.9, seed: 3 } }).generate).toMatchObject({ temperature: 0.7, topK: 40, topP: 0.9, seed: 3 });
    const withResponses = plugin.options.safeParse({ ...required, responses: "a.jsonl", generate: { maxNewTokens: 8 } });
    expect(withResponses.success).toBe(false);
    expect(withResponses.error?.issues).toEqual([expect.objectContaining({ path: ["generate"], message: expect.stringContaining("remove responses:") })]);
    const clash = plugin.options.safeParse({ ...required, output: "x.jsonl", generate: { output: "x.jsonl" } });
    expect(clash.error?.issues).toEqual([expect.objectContaining({ path: ["generate", "output"], message: expect.stringContaining("overwrite the verdicts' file x.jsonl") })]);
    for (const bad of [{ output: "../r.jsonl" }, { temperature: -1 }, { topP: 0 }, { maxNewTokens: 0 }, { backend: "gpu" }, { beams: 4 }]) {
      expect(plugin.options.safeParse({ ...required, generate: bad }).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it("createOpenAIJudgeProvider() asks for the verdict's strict JSON schema, and puts every answer-shaping parameter into params", () => {
    const provider = createOpenAIJudgeProvider(plugin.options.parse({ ...required, topP: 0.9, seed: 7 }), none);
    expect(provider.params).toEqual({
      max_completion_tokens: 1024,
      temperature: 0,
      top_p: 0.9,
      seed: 7,
      response_format: { type: "json_schema", json_schema: { name: "record_verdict", strict: true, schema: expect.objectContaining({ required: ["rationale", "verdict"], additionalProperties: false }) } },
    });
    const text = createOpenAIJudgeProvider(plugin.options.parse({ ...required, answer: "text", temperature: null, maxTokensParam: "max_tokens" }), none);
    expect(text.params).toEqual({ max_tokens: 1024 });
  });

  it("createAnthropicJudgeProvider() forces the record_verdict tool, whose input schema is the verdict's", () => {
    const provider = createAnthropicJudgeProvider(plugin.options.parse({ ...required, provider: "anthropic", model: "claude-sonnet-4-5" }), none);
    expect(provider).toMatchObject({ name: "anthropic", model: "claude-sonnet-4-5" });
    expect(provider.params).toMatchObject({
      max_tokens: 1024,
      temperature: 0,
      tool_choice: { type: "tool", name: "record_verdict" },
      tools: [{ name: "record_verdict", input_schema: { properties: { verdict: { enum: ["A", "B", "tie"] } } } }],
    });
    expect(createAnthropicJudgeProvider(plugin.options.parse({ ...required, provider: "anthropic", answer: "text" }), none).params).toEqual({ max_tokens: 1024, temperature: 0 });
  });
});

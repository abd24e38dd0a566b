import { isPlugin } from "@ual/core";
import { describe, expect, it } from "vitest";
import { createAnthropicProvider } from "./anthropic_provider.ts";
import { plugin } from "./plugin.ts";

describe("plugin", () => {
  it("plugin is an uncertainty plugin that needs ANTHROPIC_API_KEY and honours ANTHROPIC_BASE_URL", () => {
    expect(isPlugin(plugin)).toBe(true);
    expect(plugin).toMatchObject({ name: "@ual/uncertainty-anthropic", version: "0.1.0", kind: "uncertainty", apiVersion: 1 });
    expect(plugin.secrets).toEqual({
      apiKey: expect.objectContaining({ env: "ANTHROPIC_API_KEY", required: true }),
      baseURL: expect.objectContaining({ env: "ANTHROPIC_BASE_URL" }),
    });
  });

  it("plugin options need a model and have documented defaults", () => {
    expect(plugin.options.safeParse({}).success).toBe(false);
    expect(plugin.options.parse({ model: "claude-haiku-4-5" })).toMatchObject({ model: "claude-haiku-4-5", maxOutputTokens: 100, answer: "tool", temperature: 0, mode: "sync" });
    expect(plugin.options.safeParse({ model: "claude-haiku-4-5", answer: "json" }).success).toBe(false);
  });

  it("createAnthropicProvider() forces the record_score tool, whose input schema is {score}", () => {
    const provider = createAnthropicProvider(plugin.options.parse({ model: "claude-haiku-4-5" }), { apiKey: undefined, baseURL: undefined });
    expect(provider.params).toMatchObject({
      max_tokens: 100,
      temperature: 0,
      tool_choice: { type: "tool", name: "record_score" },
      tools: [{ name: "record_score", input_schema: { type: "object", properties: { score: { type: "integer" } }, required: ["score"] } }],
    });
    const text = createAnthropicProvider(plugin.options.parse({ model: "claude-haiku-4-5", answer: "text", temperature: null }), { apiKey: undefined, baseURL: undefined });
    expect(text.params).toEqual({ max_tokens: 100 });
  });
});

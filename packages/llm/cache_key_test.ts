import type { Turn } from "@ual/core";
import { describe, expect, it } from "vitest";
import { cacheKey, type RatingSetup } from "./cache_key.ts";
import { promptTemplateFromText } from "./prompt_template.ts";
import { RUBRIC } from "./rubric.ts";

const setup: RatingSetup = { provider: "openai", model: "gpt-4o", template: RUBRIC, conversationFormat: "labelled", params: { temperature: 0, max_tokens: 32 } };
const turns: Turn[] = [{ role: "user", content: "2+2?" }, { role: "assistant", content: "4" }];

describe("cacheKey()", () => {
  it("cacheKey() is 64 hex digits, the same for the same question", () => {
    expect(cacheKey(setup, turns)).toMatch(/^[0-9a-f]{64}$/);
    expect(cacheKey({ ...setup, params: { max_tokens: 32, temperature: 0 } }, structuredClone(turns))).toBe(cacheKey(setup, turns));
  });

  it("cacheKey() changes with the provider, model, prompt, format, parameters and dialogue", () => {
    const base = cacheKey(setup, turns);
    const variants = [
      cacheKey({ ...setup, provider: "anthropic" }, turns),
      cacheKey({ ...setup, model: "gpt-4o-mini" }, turns),
      cacheKey({ ...setup, template: { ...RUBRIC, version: "ual-rubric-v2" } }, turns),
      cacheKey({ ...setup, template: promptTemplateFromText(`${RUBRIC.text} `, "x") }, turns),
      cacheKey({ ...setup, conversationFormat: "plain" }, turns),
      cacheKey({ ...setup, params: { temperature: 0.5, max_tokens: 32 } }, turns),
      cacheKey(setup, [{ role: "user", content: "2+2?" }, { role: "assistant", content: "5" }]),
      cacheKey(setup, [{ role: "system", content: "2+2?" }, { role: "assistant", content: "4" }]),
    ];
    expect(new Set([base, ...variants]).size).toBe(variants.length + 1);
  });
});

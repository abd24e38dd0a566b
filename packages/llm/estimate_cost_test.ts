import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Sample } from "@ual/core";
import { describe, expect, it } from "vitest";
import { cacheKey, type RatingSetup } from "./cache_key.ts";
import { approximateTokenCounter } from "./count_tokens.ts";
import { estimateCost } from "./estimate_cost.ts";
import { formatCostEstimate } from "./format_cost_estimate.ts";
import { promptTemplateFromText } from "./prompt_template.ts";
import { ReplyCache } from "./reply_cache.ts";

const template = promptTemplateFromText("{conversation}", "t.txt");
const setup: RatingSetup = { provider: "openai", model: "gpt-4o", template, conversationFormat: "plain", params: {} };
const sample = (id: string, text: string): Sample => ({ id, turns: [{ role: "user", content: text }], metadata: {} });
// One token per character keeps the arithmetic visible.
const counter = approximateTokenCounter(1);

describe("estimateCost()", () => {
  it("estimateCost() counts each distinct conversation once and prices sync and batch", async () => {
    const samples = [sample("a", "x".repeat(100)), sample("b", "y".repeat(300)), sample("c", "x".repeat(100))];
    const estimate = await estimateCost(samples, { setup, counter, requestOverheadTokens: 10, expectedOutputTokens: 5, maxOutputTokens: 20 });
    expect(estimate).toMatchObject({ samples: 3, unique: 2, cached: 0, toRate: 2, inputTokens: 420, outputTokens: 10, maxOutputTokens: 40, tokenCounting: "approx:1-chars-per-token" });
    // 420 in × $2.5/M + 10 out × $10/M
    expect(estimate.sync?.usd).toBeCloseTo(0.00115, 12);
    expect(estimate.sync?.maxUsd).toBeCloseTo(0.00145, 12);
    expect(estimate.batch?.usd).toBeCloseTo(0.000575, 12);
    expect(formatCostEstimate(estimate)).toContain("3 samples, 2 distinct conversations, 0 cached, 2 to rate");
  });

  it("estimateCost() leaves out what the cache already holds, and has no dollars for an unpriced model", async () => {
    const cache = ReplyCache.open(join(mkdtempSync(join(tmpdir(), "ual-est-")), "c.sqlite"));
    const done = sample("a", "x".repeat(100));
    cache.put({ key: cacheKey(setup, done.turns), provider: "openai", model: "gpt-4o", promptVersion: template.version, final: true, score: 3, replies: [], inputTokens: 1, outputTokens: 1, costUsd: 0, calls: 1, mode: "sync", createdAt: "" });
    async function* read() {
      yield done;
      yield sample("b", "y".repeat(50));
    }
    const estimate = await estimateCost(read(), { setup, counter, cache, requestOverheadTokens: 0, expectedOutputTokens: 5, maxOutputTokens: 20 });
    expect(estimate).toMatchObject({ unique: 2, cached: 1, toRate: 1, inputTokens: 50 });
    const unpriced = await estimateCost([done], { setup: { ...setup, model: "mystery" }, counter, requestOverheadTokens: 0, expectedOutputTokens: 5, maxOutputTokens: 20 });
    expect(unpriced.sync).toBeUndefined();
    expect(formatCostEstimate(unpriced)).toContain("no price known for mystery");
    cache.close();
  });
});


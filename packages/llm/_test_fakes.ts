import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger } from "@ual/core";
import type { ProviderDescription } from "./provider_description.ts";
import { ReplyCache } from "./reply_cache.ts";
import type { RequestSettings } from "./request_settings.ts";

// Test helpers shared by the elicitor's and the judge's tests (not exported from mod.ts).

/** A fake provider's description: model `fake-1`, priced by {@linkcode fakeRequestSettings}. */
export const FAKE_PROVIDER: ProviderDescription = {
  name: "fake",
  label: "Fake",
  model: "fake-1",
  params: { temperature: 0 },
  requestOverheadTokens: 0,
  expectedOutputTokens: 10,
  maxOutputTokens: 10,
};

/** Request settings for tests: a logger into `logs`, a price for `fake-1`, three attempts that never sleep. */
export function fakeRequestSettings(logs: string[]): RequestSettings {
  return {
    logger: createLogger((level, message) => logs.push(`${level}: ${message}`)),
    apiKeyEnv: "FAKE_API_KEY",
    prices: { "fake-1": { input: 1, output: 10 } },
    retry: { sleep: async () => {}, maxAttempts: 3 },
  };
}

/** A reply cache in a fresh temporary directory. */
export function newTestCache(): ReplyCache {
  return ReplyCache.open(join(mkdtempSync(join(tmpdir(), "ual-llm-")), "cache.sqlite"));
}

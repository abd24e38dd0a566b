import { definePlugin, type OfflineEstimator } from "@ual/core";
import { elicitorFromOptions } from "@ual/llm";
import { createAnthropicProvider } from "./anthropic_provider.ts";
import { uncertaintyAnthropicOptions } from "./options.ts";

/**
 * The `@ual/uncertainty-anthropic` estimator: a Claude model rates each sample on the project's
 * 0–99 rubric (spec §1, §9) through a forced tool call. One paid call per distinct conversation,
 * cached in `.ual/`, rate limited and retried (529 "overloaded" included); `mode: batch` uses
 * Message Batches at half price.
 *
 * @example
 * ```yaml
 * stages:
 *   uncertainty:
 *     use: "@ual/uncertainty-anthropic"
 *     with: { model: claude-sonnet-4-5, requestsPerMinute: 50, maxCostUsd: 5 }
 * ```
 */
export const plugin = definePlugin({
  name: "@ual/uncertainty-anthropic",
  version: "0.1.0",
  kind: "uncertainty",
  apiVersion: 1,
  description: "A Claude model rates each sample 0–99 on the project's rubric (forced tool call, Message Batches, cached).",
  options: uncertaintyAnthropicOptions,
  secrets: {
    apiKey: { env: "ANTHROPIC_API_KEY", required: true, description: "the Anthropic API key" },
    // Declared as a secret because plugins see no other environment; a proxy URL may embed credentials too.
    baseURL: { env: "ANTHROPIC_BASE_URL", description: "another endpoint for the API (a proxy, a gateway); default https://api.anthropic.com" },
  },
  async create(options, context): Promise<OfflineEstimator> {
    const provider = createAnthropicProvider(options, { apiKey: context.secrets.apiKey, baseURL: context.secrets.baseURL });
    return elicitorFromOptions(options, context, provider, { apiKeyEnv: context.secretEnv.apiKey ?? "ANTHROPIC_API_KEY" });
  },
});

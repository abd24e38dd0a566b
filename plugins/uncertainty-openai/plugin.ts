import { definePlugin, type OfflineEstimator } from "@ual/core";
import { elicitorFromOptions } from "@ual/llm";
import { createOpenAIProvider } from "./openai_provider.ts";
import { uncertaintyOpenaiOptions } from "./options.ts";

/**
 * The `@ual/uncertainty-openai` estimator: an OpenAI model rates each sample on the project's
 * 0–99 rubric (spec §1, §9). One paid call per distinct conversation, cached in `.ual/`, rate
 * limited and retried; `mode: batch` uses the Batch API at half price.
 *
 * @example
 * ```yaml
 * stages:
 *   uncertainty:
 *     use: "@ual/uncertainty-openai"
 *     with: { model: gpt-4.1, requestsPerMinute: 500, maxCostUsd: 5 }
 * ```
 */
export const plugin = definePlugin({
  name: "@ual/uncertainty-openai",
  version: "0.1.0",
  kind: "uncertainty",
  apiVersion: 1,
  description: "An OpenAI model rates each sample 0–99 on the project's rubric (structured output, logprobs, Batch API, cached).",
  options: uncertaintyOpenaiOptions,
  secrets: {
    apiKey: { env: "OPENAI_API_KEY", required: true, description: "the OpenAI API key" },
    // Declared as a secret because plugins see no other environment; a proxy URL may embed credentials too.
    baseURL: { env: "OPENAI_BASE_URL", description: "another endpoint for the API (a proxy, a compatible server); default https://api.openai.com/v1" },
  },
  async create(options, context): Promise<OfflineEstimator> {
    const provider = createOpenAIProvider(options, { apiKey: context.secrets.apiKey, baseURL: context.secrets.baseURL });
    return elicitorFromOptions(options, context, provider, { apiKeyEnv: context.secretEnv.apiKey ?? "OPENAI_API_KEY" });
  },
});

import { join } from "node:path";
import type { PluginContext } from "@ual/core";
import { createElicitor, type Elicitor } from "./create_elicitor.ts";
import type { ElicitOptions } from "./elicit_options.ts";
import { priceFor } from "./prices.ts";
import { loadPromptTemplate } from "./prompt_template.ts";
import type { RatingProvider } from "./rating_provider.ts";
import { ReplyCache } from "./reply_cache.ts";
import { RUBRIC } from "./rubric.ts";

/** The cache file's name under the run's cache directory (`.ual/`). */
export const CACHE_FILE_NAME = "llm-cache.sqlite";

/**
 * Builds an {@linkcode Elicitor} from a plugin's validated options and its context: reads the
 * `promptFile` (relative to the manifest) or takes the built-in rubric, opens the reply cache
 * (`.ual/llm-cache.sqlite`, or `cacheFile`), and wires the limits, retries, prices, budget,
 * logger, the run's signal and the secrets to keep out of every text.
 *
 * @example
 * ```ts
 * create: async (options, context) =>
 *   elicitorFromOptions(options, context, createOpenAIProvider(options, context), { apiKeyEnv: "OPENAI_API_KEY" }),
 * ```
 */
export async function elicitorFromOptions(
  options: ElicitOptions,
  context: PluginContext,
  provider: RatingProvider,
  names: { apiKeyEnv: string },
): Promise<Elicitor> {
  const template = options.promptFile ? await loadPromptTemplate(context.resolvePath(options.promptFile)) : RUBRIC;
  if (!priceFor(options.model, options.prices) && options.maxCostUsd === undefined) {
    context.logger.warn(`no price known for "${options.model}": costs will show as $0; add prices: { "${options.model}": { input, output } } (USD per 1M tokens)`);
  }
  const cache = options.cache ? ReplyCache.open(options.cacheFile ? context.resolvePath(options.cacheFile) : join(context.cacheDir, CACHE_FILE_NAME)) : undefined;
  try {
    return createElicitor({
      provider,
      template,
      conversationFormat: options.conversationFormat,
      mode: options.mode,
      limits: {
        concurrency: options.concurrency,
        ...(options.requestsPerMinute !== undefined ? { requestsPerMinute: options.requestsPerMinute } : {}),
        ...(options.tokensPerMinute !== undefined ? { tokensPerMinute: options.tokensPerMinute } : {}),
      },
      timeoutMs: options.timeoutMs,
      retry: { maxAttempts: options.maxAttempts, baseDelayMs: options.retryBaseDelayMs },
      ...(options.prices ? { prices: options.prices } : {}),
      ...(options.maxCostUsd !== undefined ? { maxCostUsd: options.maxCostUsd } : {}),
      ...(cache ? { cache } : {}),
      batch: { size: options.batchSize, windowMs: options.batchWindowMs, pollMs: options.batchPollMs },
      logger: context.logger,
      secrets: Object.values(context.secrets),
      apiKeyEnv: names.apiKeyEnv,
      signal: context.signal,
    });
  } catch (error) {
    cache?.close();
    throw error;
  }
}

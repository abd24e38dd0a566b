import { join } from "node:path";
import type { Logger, PluginContext } from "@ual/core";
import { priceFor, type PriceOverrides } from "./prices.ts";
import type { RateLimits } from "./rate_limiter.ts";
import { CACHE_FILE_NAME, ReplyCache } from "./reply_cache.ts";
import type { RequestOptions } from "./request_options.ts";
import type { RetryOptions } from "./retry.ts";

/** The request machinery's settings, as the elicitor's and the judge's options both take them. */
export interface RequestWiring {
  cache?: ReplyCache;
  limits: RateLimits;
  timeoutMs: number;
  retry: Omit<RetryOptions, "decide" | "signal" | "onRetry">;
  prices?: PriceOverrides;
  maxCostUsd?: number;
  logger: Logger;
  secrets: Array<string | undefined>;
  signal: AbortSignal;
}

/**
 * Turns a plugin's validated request options and its context into the machinery's settings:
 * opens the reply cache (`.ual/llm-cache.sqlite`, or `cacheFile` relative to the manifest),
 * maps limits and retries, and warns once when the model has no price. The caller closes the
 * cache if what it builds fails to start.
 */
export function requestWiring(options: RequestOptions, context: PluginContext): RequestWiring {
  if (!priceFor(options.model, options.prices) && options.maxCostUsd === undefined) {
    context.logger.warn(`no price known for "${options.model}": costs will show as $0; add prices: { "${options.model}": { input, output } } (USD per 1M tokens)`);
  }
  const cache = options.cache ? ReplyCache.open(options.cacheFile ? context.resolvePath(options.cacheFile) : join(context.cacheDir, CACHE_FILE_NAME)) : undefined;
  return {
    ...(cache ? { cache } : {}),
    limits: {
      concurrency: options.concurrency,
      ...(options.requestsPerMinute !== undefined ? { requestsPerMinute: options.requestsPerMinute } : {}),
      ...(options.tokensPerMinute !== undefined ? { tokensPerMinute: options.tokensPerMinute } : {}),
    },
    timeoutMs: options.timeoutMs,
    retry: { maxAttempts: options.maxAttempts, baseDelayMs: options.retryBaseDelayMs },
    ...(options.prices ? { prices: options.prices } : {}),
    ...(options.maxCostUsd !== undefined ? { maxCostUsd: options.maxCostUsd } : {}),
    logger: context.logger,
    secrets: Object.values(context.secrets),
    signal: context.signal,
  };
}

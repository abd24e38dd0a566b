import type { Logger } from "@ual/core";
import type { PriceOverrides } from "./prices.ts";
import type { RateLimits } from "./rate_limiter.ts";
import type { ReplyCache } from "./reply_cache.ts";
import type { RetryOptions } from "./retry.ts";

/**
 * How paid calls are made, as the rating elicitor ({@linkcode createElicitor}) and the pairwise
 * judge ({@linkcode createJudge}) both take it: limits, timeout, retries, prices and budget, the
 * reply cache, and what to keep out of every text.
 */
export interface RequestSettings {
  limits?: RateLimits;
  /** Per-request timeout (default 60 000 ms). */
  timeoutMs?: number;
  /** Backoff settings; `decide`, `signal` and `onRetry` are the request path's own. */
  retry?: Omit<RetryOptions, "decide" | "signal" | "onRetry">;
  prices?: PriceOverrides;
  /** Stop making paid calls before this run's new spending would pass this (USD). */
  maxCostUsd?: number;
  /** The reply cache; without one, identical requests are still asked once per process. */
  cache?: ReplyCache;
  logger: Logger;
  /** Values never to store or show (the API key). */
  secrets?: ReadonlyArray<string | undefined>;
  /** The environment variable the API key comes from, named when the key is refused. */
  apiKeyEnv: string;
  /** The plugin's name for the key's secret, for the same message (default `apiKey`). */
  apiKeySecret?: string;
  /** The run's signal. */
  signal?: AbortSignal;
  /** After this many requests in a row gave up retrying, the API is taken to be down and the run stops (default 5). */
  maxConsecutiveFailures?: number;
}

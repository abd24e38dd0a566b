import type { JsonValue } from "@ual/core";
import type { ProviderDescription } from "./provider_description.ts";

/** One answer of a rater, read. */
export interface RatingReply {
  /** The reply as the cache stores it (the message, with logprobs if asked; never the request). */
  raw: JsonValue;
  /** The score read from the reply, or null with `reason`. */
  score: number | null;
  reason?: string;
  inputTokens: number;
  outputTokens: number;
}

/** Options of one call. */
export interface RateCallOptions {
  signal: AbortSignal;
  /** Give up on this attempt after this long (the SDK's per-request timeout). */
  timeoutMs: number;
}

/** One request of a batch: the cache key as custom id, and the prompt. */
export interface BatchRequest {
  customId: string;
  prompt: string;
}

/** Where a batch is. */
export type BatchState = { ended: false; status: string } | { ended: true; status: string };

/** One line of a batch's results. */
export interface BatchResult {
  customId: string;
  reply?: RatingReply;
  /** Why there is no reply (an error, an expired or cancelled request). */
  error?: string;
}

/** A provider's batch API (half price, results within 24 hours). */
export interface BatchApi {
  /** Uploads and creates a batch; returns its id. */
  submit(requests: readonly BatchRequest[], options: { signal: AbortSignal }): Promise<string>;
  check(batchId: string, options: { signal: AbortSignal }): Promise<BatchState>;
  results(batchId: string, options: { signal: AbortSignal }): AsyncIterable<BatchResult>;
}

/**
 * What a plugin tells the shared machinery about its API: how to make one rating call and read
 * the answer, optionally how to batch. Everything else — prompts, cache, limits, retries, cost,
 * budget — is {@linkcode createElicitor}'s.
 */
export interface RatingProvider extends ProviderDescription {
  /** One call. Throws the SDK's errors; {@linkcode classifyFailure} sorts them. */
  rate(prompt: string, options: RateCallOptions): Promise<RatingReply>;
  readonly batch?: BatchApi;
}

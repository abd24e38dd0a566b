import { z } from "@ual/core";

/** A price as a manifest writes it: USD per million tokens. */
export const priceSchema = z.strictObject({
  input: z.number().min(0),
  output: z.number().min(0),
  batchDiscount: z.number().gt(0).max(1).optional(),
});

/**
 * The options of every paid LLM client in UAL — the rating estimators and the judge — as zod
 * fields to spread into a plugin's `z.strictObject({...})`: sampling, limits, retries, budget,
 * prices and the reply cache. {@linkcode elicitOptionFields} adds what only rating needs.
 *
 * @example
 * ```ts
 * const options = z.strictObject({ model: z.string().min(1), ...requestOptionFields, maxOutputTokens: z.int().positive().default(1024) });
 * ```
 */
export const requestOptionFields = {
  /** Sampling temperature (default 0, as the reference); `null` leaves it out (models that refuse it). */
  temperature: z.number().min(0).max(2).nullable().default(0),
  /** Nucleus sampling; left out unless set (the reference used 0.9). */
  topP: z.number().gt(0).max(1).optional(),
  /** Requests in flight at once. */
  concurrency: z.int().positive().max(1024).default(8),
  /** Requests started per minute (paced evenly); unset: no pacing, 429s are retried. */
  requestsPerMinute: z.number().positive().optional(),
  /** Tokens per minute (prompt + max reply); unset: no limit. */
  tokensPerMinute: z.number().positive().optional(),
  /** Per-request timeout. */
  timeoutMs: z.int().positive().default(60_000),
  /** Attempts per request, the first included, on 408/409/429/5xx/529, timeouts and broken bodies. */
  maxAttempts: z.int().min(1).max(20).default(6),
  /** The first backoff; it doubles each attempt (with jitter), up to 60 s. */
  retryBaseDelayMs: z.int().min(0).default(1000),
  /** Stop making paid calls before spending more than this (USD, this run's new calls only). */
  maxCostUsd: z.number().positive().optional(),
  /** Prices by model name (USD per million tokens), added to or replacing the built-in table. */
  prices: z.record(z.string().min(1), priceSchema).optional(),
  /** Keep replies in the SQLite cache under `.ual/`, so reruns cost nothing. */
  cache: z.boolean().default(true),
  /** Another cache file (relative to the manifest). */
  cacheFile: z.string().min(1).optional(),
};

const requestSchema = z.strictObject(requestOptionFields);

/** The shared request options after defaults, plus the model every plugin adds. */
export type RequestOptions = z.output<typeof requestSchema> & { model: string };

import { z } from "@ual/core";
import { CONVERSATION_FORMATS } from "./render_conversation.ts";

/** A price as a manifest writes it: USD per million tokens. */
export const priceSchema = z.strictObject({
  input: z.number().min(0),
  output: z.number().min(0),
  batchDiscount: z.number().gt(0).max(1).optional(),
});

/**
 * The options both LLM uncertainty plugins share, as zod fields to spread into a plugin's
 * `z.strictObject({...})` (each plugin adds `model`, `maxOutputTokens` and its own). Every
 * default is documented in the plugins' READMEs.
 *
 * @example
 * ```ts
 * const options = z.strictObject({ ...elicitOptionFields, model: z.string().min(1), maxOutputTokens: z.int().positive().default(32) });
 * ```
 */
export const elicitOptionFields = {
  /** A template file with a `{conversation}` placeholder, instead of the built-in rubric. */
  promptFile: z.string().min(1).optional(),
  /** `labelled` (fenced, role-labelled turns; default) or `plain` (the reference `"\n".join`, spec §1.2). */
  conversationFormat: z.enum(CONVERSATION_FORMATS).default("labelled"),
  /** Sampling temperature (default 0, as the reference); `null` leaves it out (models that refuse it). */
  temperature: z.number().min(0).max(2).nullable().default(0),
  /** Nucleus sampling; left out unless set (the reference used 0.9). */
  topP: z.number().gt(0).max(1).optional(),
  /** `sync`: one request per sample; `batch`: the provider's batch API, at half price, results within 24 h. */
  mode: z.enum(["sync", "batch"]).default("sync"),
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
  /** Batch mode: requests per batch. */
  batchSize: z.int().positive().max(50_000).default(10_000),
  /** Batch mode: submit what has gathered after this long without a new sample. */
  batchWindowMs: z.int().positive().default(2_000),
  /** Batch mode: time between status checks. */
  batchPollMs: z.int().positive().default(30_000),
};

const commonSchema = z.strictObject(elicitOptionFields);

/** The shared options after defaults, plus the two every plugin adds. */
export type ElicitOptions = z.output<typeof commonSchema> & { model: string; maxOutputTokens: number };

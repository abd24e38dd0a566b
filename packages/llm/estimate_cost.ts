import type { CostEstimate as CoreCostEstimate, CostFigure, Sample } from "@ual/core";
import { formatCostEstimate } from "./format_cost_estimate.ts";
import { cacheKey, type RatingSetup } from "./cache_key.ts";
import { tokenCounterFor, type TokenCounter } from "./count_tokens.ts";
import { callCost, priceFor, type Price, type PriceOverrides } from "./prices.ts";
import type { ReplyCache } from "./reply_cache.ts";
import { renderPrompt } from "./render_prompt.ts";

/** What {@linkcode estimateCost} needs to know about the ratings a run would ask for. */
export interface CostEstimateConfig {
  setup: RatingSetup;
  /** Tokens each request adds to its prompt (framing, response schema or tool definition). */
  requestOverheadTokens: number;
  /** Tokens a well-formed answer takes. */
  expectedOutputTokens: number;
  /** The most a reply may use (`max_tokens`): the worst case. */
  maxOutputTokens: number;
  prices?: PriceOverrides;
  /** Conversations this cache already holds a final rating for cost nothing. */
  cache?: ReplyCache;
  /** Default: {@linkcode tokenCounterFor} the setup's provider and model. */
  counter?: TokenCounter;
}

/** What rating a data set would cost, counted offline. */
export interface CostEstimate extends CoreCostEstimate {
  provider: string;
  model: string;
  promptVersion: string;
  /** Samples read. */
  samples: number;
  /** Distinct conversations among them (duplicates are asked once). */
  unique: number;
  /** Distinct conversations the cache already has (free). */
  cached: number;
  /** Distinct conversations still to rate: `unique − cached`. */
  toRate: number;
  /** Prompt tokens of the ratings still to make, request overhead included. */
  inputTokens: number;
  /** Expected reply tokens of those ratings. */
  outputTokens: number;
  /** Reply tokens if every reply used `max_tokens`. */
  maxOutputTokens: number;
  /** How tokens were counted (`tiktoken:o200k_base`, `approx:3.5-chars-per-token`). */
  tokenCounting: string;
  /** The price used; undefined when the model is not in the table (then there are no dollar figures). */
  price?: Price;
  /** Synchronous requests at list price. */
  sync?: CostFigure;
  /** The batch API (`mode: batch`), at its discount. */
  batch?: CostFigure;
}

/**
 * Counts what rating `samples` would cost, without calling any API: renders each sample's
 * prompt, counts its tokens (js-tiktoken for OpenAI models, ≈3.5 characters per token for
 * Claude), leaves out duplicates and conversations the cache already holds, and prices the rest
 * for synchronous and batch mode. This is what `ual estimate <manifest>` prints.
 *
 * @example
 * ```ts
 * const estimate = await estimateCost(source.read({ signal }), {
 *   setup: { provider: "openai", model: "gpt-4o", template: RUBRIC, conversationFormat: "labelled", params: {} },
 *   requestOverheadTokens: 60, expectedOutputTokens: 8, maxOutputTokens: 32,
 * });
 * console.log(estimate.toRate, estimate.sync?.usd, estimate.batch?.usd);
 * ```
 */
export async function estimateCost(
  samples: AsyncIterable<Sample> | Iterable<Sample>,
  config: CostEstimateConfig,
  options: { signal?: AbortSignal } = {},
): Promise<CostEstimate> {
  const { setup } = config;
  const counter = config.counter ?? (await tokenCounterFor(setup.provider, setup.model));
  const seen = new Set<string>();
  let count = 0;
  let cached = 0;
  let inputTokens = 0;
  for await (const sample of samples) {
    options.signal?.throwIfAborted();
    count++;
    const key = cacheKey(setup, sample.turns);
    if (seen.has(key)) continue;
    seen.add(key);
    if (config.cache?.get(key)?.final) {
      cached++;
      continue;
    }
    inputTokens += counter.count(renderPrompt(setup.template, sample.turns, setup.conversationFormat)) + config.requestOverheadTokens;
  }
  const toRate = seen.size - cached;
  const outputTokens = toRate * config.expectedOutputTokens;
  const maxOutputTokens = toRate * config.maxOutputTokens;
  const price = priceFor(setup.model, config.prices);
  const figure = (batch: boolean): CostFigure => ({
    usd: callCost({ inputTokens, outputTokens }, price, { batch }),
    maxUsd: callCost({ inputTokens, outputTokens: maxOutputTokens }, price, { batch }),
  });
  const estimate: Omit<CostEstimate, "summary"> = {
    provider: setup.provider,
    model: setup.model,
    promptVersion: setup.template.version,
    samples: count,
    unique: seen.size,
    cached,
    toRate,
    inputTokens,
    outputTokens,
    maxOutputTokens,
    tokenCounting: counter.method,
    ...(price ? { price, sync: figure(false), batch: figure(true) } : {}),
  };
  return { ...estimate, summary: formatCostEstimate(estimate) };
}

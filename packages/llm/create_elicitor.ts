import { getMaxListeners, setMaxListeners } from "node:events";
import type { JsonValue, Logger, OfflineEstimator, Sample, UncertaintyResult } from "@ual/core";
import { BatchRunner } from "./_batch_runner.ts";
import { Budget } from "./budget.ts";
import { cacheKey, type RatingSetup } from "./cache_key.ts";
import { classifyFailure } from "./classify_failure.ts";
import { tokenCounterFor, type TokenCounter } from "./count_tokens.ts";
import { estimateCost, type CostEstimate } from "./estimate_cost.ts";
import { callCost, priceFor, type Price, type PriceOverrides } from "./prices.ts";
import type { RatingProvider, RatingReply } from "./rating_provider.ts";
import { RateLimiter, type RateLimits } from "./rate_limiter.ts";
import type { CachedReply, CallMode, ReplyCache } from "./reply_cache.ts";
import { renderPrompt } from "./render_prompt.ts";
import type { PromptTemplate } from "./prompt_template.ts";
import type { ConversationFormat } from "./render_conversation.ts";
import { retry, RetriesExhaustedError, type RetryOptions } from "./retry.ts";
import { REASK_SUFFIX } from "./rubric.ts";
import { scrubSecrets } from "./scrub_secrets.ts";

/** Options of {@linkcode createElicitor}. */
export interface ElicitorOptions {
  provider: RatingProvider;
  template: PromptTemplate;
  conversationFormat?: ConversationFormat;
  /** `sync` (default) or `batch` (needs `provider.batch`). */
  mode?: CallMode;
  limits?: RateLimits;
  /** Per-request timeout (default 60 000 ms). */
  timeoutMs?: number;
  /** Backoff settings; `decide` and `signal` are the elicitor's own. */
  retry?: Omit<RetryOptions, "decide" | "signal" | "onRetry">;
  prices?: PriceOverrides;
  /** Stop making paid calls before this run's new spending would pass this (USD). */
  maxCostUsd?: number;
  /** The reply cache; without one, duplicates are still asked once per process. */
  cache?: ReplyCache;
  /** Batch mode settings (defaults: 10 000 requests, 2 s window, 30 s polls). */
  batch?: { size?: number; windowMs?: number; pollMs?: number };
  logger: Logger;
  /** Values never to store or show (the API key). */
  secrets?: ReadonlyArray<string | undefined>;
  /** The environment variable the API key comes from, named when the key is refused. */
  apiKeyEnv: string;
  /** The run's signal: batch polling stops when it aborts. */
  signal?: AbortSignal;
  /** After this many requests in a row gave up retrying, the API is taken to be down and the run stops (default 5). */
  maxConsecutiveFailures?: number;
}

/** Tallies of an elicitor's work, for its closing log line and for tests. */
export interface ElicitorStats {
  /** `estimate` calls. */
  samples: number;
  /** Ratings served from the cache. */
  cacheHits: number;
  /** Ratings shared with an identical conversation asked at the same time. */
  deduplicated: number;
  /** Paid API calls that returned a reply (re-asks and batch results included). */
  paidCalls: number;
  /** Replies that could not be read and were asked again. */
  reasks: number;
  /** Null scores given (unreadable twice, rejected, gave up, budget). */
  nullScores: number;
  /** Samples not asked because the budget would have been passed. */
  overBudget: number;
  /** Batches submitted by this process. */
  batches: number;
  /** Dollars spent by this process. */
  costUsd: number;
}

/** An offline estimator that rates samples with a hosted LLM. */
export interface Elicitor extends OfflineEstimator {
  readonly setup: RatingSetup;
  estimateCost(samples: AsyncIterable<Sample> | Iterable<Sample>, options?: { signal?: AbortSignal }): Promise<CostEstimate>;
  estimate(sample: Sample, options: { signal: AbortSignal }): Promise<UncertaintyResult>;
  stats(): ElicitorStats;
  close(): Promise<void>;
}

interface Spent {
  usd: number;
  inputTokens: number;
  outputTokens: number;
}

type CallOutcome = { kind: "reply"; reply: RatingReply; costUsd: number } | { kind: "none"; reason: string };

/** The reason given to samples not asked because of `maxCostUsd`. */
export const BUDGET_EXHAUSTED = "budget exhausted";

/**
 * The machinery both LLM uncertainty plugins share, around a {@linkcode RatingProvider} that
 * knows only how to make one call. For each sample:
 *
 * 1. render the prompt (rubric or template, fenced dialogue) and its cache key;
 * 2. a final cached rating is returned at once (`cached: true`, no cost); an identical
 *    conversation already in flight is awaited rather than asked again;
 * 3. otherwise reserve its worst-case cost against `maxCostUsd` (over budget → `score: null`,
 *    reason "budget exhausted", nothing cached so a rerun with a larger budget asks), take a
 *    permit from the rate limiter, call with a timeout and retries;
 * 4. store the reply, its score, tokens and cost in the cache **before** returning it; a reply
 *    that cannot be read is stored as not final and asked again once (spec §9), then recorded
 *    as `null` with the reason.
 *
 * 401/403 stop the run with a message naming the key's variable; a 404 (no such model) stops it
 * too; a request refused as such (400, 422) gives that sample a null score; retryable failures
 * that outlast `maxAttempts` give a null score (not cached), and `maxConsecutiveFailures` of them
 * in a row stop the run. In batch mode requests are gathered into the provider's batch API.
 *
 * @example
 * ```ts
 * const elicitor = createElicitor({ provider, template: RUBRIC, logger, apiKeyEnv: "OPENAI_API_KEY", cache });
 * const result = await elicitor.estimate(sample, { signal });
 * await elicitor.close();
 * ```
 */
export function createElicitor(options: ElicitorOptions): Elicitor {
  const { provider, logger, cache } = options;
  const mode = options.mode ?? "sync";
  const setup: RatingSetup = {
    provider: provider.name,
    model: provider.model,
    template: options.template,
    conversationFormat: options.conversationFormat ?? "labelled",
    params: provider.params,
  };
  const source = `${provider.name}:${provider.model}`;
  const label = `${provider.label} ${provider.model}`;
  const price: Price | undefined = priceFor(provider.model, options.prices);
  if (options.maxCostUsd !== undefined && !price) {
    throw new Error(`maxCostUsd needs the price of "${provider.model}", which is not in the price table; add it: prices: { "${provider.model}": { input: <USD per 1M tokens>, output: <USD per 1M tokens> } }`);
  }
  if (mode === "batch" && !provider.batch) throw new Error(`${provider.label} has no batch API in this plugin; use mode: sync`);
  const limits = options.limits ?? {};
  const limiter = new RateLimiter(limits);
  const budget = new Budget(options.maxCostUsd);
  const timeoutMs = options.timeoutMs ?? 60_000;
  const secrets = options.secrets ?? [];
  const scrub = (text: string) => scrubSecrets(text, secrets);
  const runSignal = options.signal ?? new AbortController().signal;
  raiseListenerLimit(runSignal);
  const maxConsecutiveFailures = options.maxConsecutiveFailures ?? 5;
  const inflight = new Map<string, Promise<UncertaintyResult>>();
  const stats: ElicitorStats = { samples: 0, cacheHits: 0, deduplicated: 0, paidCalls: 0, reasks: 0, nullScores: 0, overBudget: 0, batches: 0, costUsd: 0 };
  let fatal: Error | undefined;
  let consecutiveFailures = 0;
  let warnedBudget = false;
  let closed = false;

  // Counting tokens is only needed for a token limit or a budget; the encoder loads once.
  let counter: Promise<TokenCounter> | undefined;
  const needTokens = limits.tokensPerMinute !== undefined || options.maxCostUsd !== undefined;
  const promptTokens = async (prompt: string): Promise<number> => {
    if (!needTokens) return 0;
    counter ??= tokenCounterFor(provider.name, provider.model);
    return (await counter).count(prompt) + provider.requestOverheadTokens;
  };
  const worstCost = async (prompt: string, batch: boolean) =>
    callCost({ inputTokens: await promptTokens(prompt), outputTokens: provider.maxOutputTokens }, price, { batch });
  const costOf = (reply: RatingReply, batch: boolean) => callCost(reply, price, { batch });

  const store = (key: string, entry: Omit<CachedReply, "key" | "provider" | "model" | "promptVersion" | "createdAt">) => {
    if (!cache || cache.closed) return;
    cache.put({
      key,
      provider: provider.name,
      model: provider.model,
      promptVersion: setup.template.version,
      createdAt: new Date().toISOString(),
      ...entry,
      ...(entry.reason !== undefined ? { reason: scrub(entry.reason) } : {}),
      replies: JSON.parse(scrub(JSON.stringify(entry.replies))) as JsonValue[],
    });
  };

  const result = (score: number | null, reason: string | undefined, spent: Spent | undefined): UncertaintyResult => {
    if (score === null) stats.nullScores++;
    return {
      score,
      ...(reason !== undefined ? { reason: scrub(reason) } : {}),
      source,
      ...(spent && (spent.usd > 0 || spent.inputTokens > 0) ? { cost: { usd: spent.usd, inputTokens: spent.inputTokens, outputTokens: spent.outputTokens } } : {}),
    };
  };

  const overBudget = (): UncertaintyResult => {
    stats.overBudget++;
    if (!warnedBudget) {
      warnedBudget = true;
      logger.warn(`${label}: maxCostUsd ${options.maxCostUsd} reached ($${budget.spentUsd.toFixed(4)} spent); the remaining samples get a null score with reason "${BUDGET_EXHAUSTED}". Raise maxCostUsd and rerun: ratings already made are cached and cost nothing again.`);
    }
    return result(null, BUDGET_EXHAUSTED, undefined);
  };

  /** Turns a failure that outlived its retries (or was final) into a null score, or stops the run. */
  const failed = (error: unknown, signal: AbortSignal): CallOutcome => {
    const last = error instanceof RetriesExhaustedError ? error.cause : error;
    const failure = classifyFailure(last, signal);
    const message = scrub(failure.message);
    switch (failure.kind) {
      case "abort":
        throw error;
      case "auth":
        fatal ??= new Error(`${provider.label} refused the API key (${failure.status}): set ${options.apiKeyEnv} to a valid key (or name another variable under the stage's secrets: { apiKey: ... })`);
        throw fatal;
      case "config":
        fatal ??= new Error(`${provider.label} answered ${failure.status} for model "${provider.model}" — is the model name right, and is the base URL the API's? (${message})`);
        throw fatal;
      case "rejected":
        return { kind: "none", reason: `${provider.label} rejected the request (${failure.status}): ${message}` };
      case "retryable": {
        consecutiveFailures++;
        const attempts = error instanceof RetriesExhaustedError ? error.attempts : 1;
        if (consecutiveFailures >= maxConsecutiveFailures) {
          fatal ??= new Error(`${consecutiveFailures} requests in a row to ${label} failed after ${attempts} attempts each (last: ${message}); the API looks unavailable. Rerun later: ratings already made are cached.`);
          throw fatal;
        }
        logger.warn(`${label}: a request gave up after ${attempts} attempts (${message}); the sample gets a null score`);
        return { kind: "none", reason: `gave up after ${attempts} attempts: ${message}` };
      }
      default:
        throw new Error(scrub(failure.message), { cause: last });
    }
  };

  /** One paid call, with budget, rate limits, timeout and retries. */
  const call = async (prompt: string, signal: AbortSignal): Promise<CallOutcome | "budget"> => {
    const tokens = await promptTokens(prompt);
    const reservation = budget.reserve(callCost({ inputTokens: tokens, outputTokens: provider.maxOutputTokens }, price));
    if (!reservation) return "budget";
    try {
      const reply = await retry(
        async () => {
          if (fatal) throw fatal;
          const permit = await limiter.acquire(tokens + provider.maxOutputTokens, signal);
          try {
            const answer = await provider.rate(prompt, { signal, timeoutMs });
            permit.release(answer.inputTokens + answer.outputTokens);
            return answer;
          } catch (error) {
            permit.release();
            throw error;
          }
        },
        {
          ...options.retry,
          signal,
          decide: (error) => {
            if (error === fatal) return { retry: false };
            const failure = classifyFailure(error, signal);
            if (failure.kind !== "retryable") return { retry: false };
            // Everyone holds back, not just this request: the limit is the account's.
            if (failure.status === 429 && failure.retryAfterMs !== undefined) limiter.pause(failure.retryAfterMs);
            return { retry: true, ...(failure.retryAfterMs !== undefined ? { delayMs: failure.retryAfterMs } : {}) };
          },
          onRetry: ({ attempt, delayMs, error }) =>
            logger.debug(`${label}: attempt ${attempt} failed (${scrub(classifyFailure(error).message)}); retrying in ${Math.round(delayMs)} ms`),
        },
      );
      const costUsd = costOf(reply, false);
      reservation.settle(costUsd);
      consecutiveFailures = 0;
      stats.paidCalls++;
      stats.costUsd += costUsd;
      return { kind: "reply", reply, costUsd };
    } catch (error) {
      reservation.settle(0);
      if (error === fatal) throw error;
      return failed(error, signal);
    }
  };

  /**
   * Asks (or finishes asking) one conversation synchronously. `prior` is a stored first reply
   * that could not be read: only its re-ask is still due.
   */
  const rateSync = async (key: string, prompt: string, prior: CachedReply | undefined, signal: AbortSignal, paidBefore?: Spent): Promise<UncertaintyResult> => {
    const spent: Spent = paidBefore ? { ...paidBefore } : { usd: 0, inputTokens: 0, outputTokens: 0 };
    let entry: Omit<CachedReply, "key" | "provider" | "model" | "promptVersion" | "createdAt">;
    if (prior) {
      entry = { ...prior };
    } else {
      const first = await call(prompt, signal);
      if (first === "budget") return overBudget();
      if (first.kind === "none") return result(null, first.reason, undefined);
      const { reply, costUsd } = first;
      spent.usd += costUsd;
      spent.inputTokens += reply.inputTokens;
      spent.outputTokens += reply.outputTokens;
      entry = {
        final: reply.score !== null,
        score: reply.score,
        ...(reply.reason !== undefined ? { reason: reply.reason } : {}),
        replies: [reply.raw],
        inputTokens: reply.inputTokens,
        outputTokens: reply.outputTokens,
        costUsd,
        calls: 1,
        mode: "sync",
      };
      // Stored before it is used, and before a re-ask: a crash from here on never pays for it again.
      store(key, entry);
      if (entry.final) return result(reply.score, undefined, spent);
    }
    stats.reasks++;
    const firstReason = entry.reason ?? "unreadable reply";
    const second = await call(`${prompt}${REASK_SUFFIX}`, signal);
    if (second === "budget") return overBudget();
    if (second.kind === "none") return result(null, `${firstReason}; the re-ask failed: ${second.reason}`, spent);
    const { reply, costUsd } = second;
    spent.usd += costUsd;
    spent.inputTokens += reply.inputTokens;
    spent.outputTokens += reply.outputTokens;
    const reason = reply.score === null ? `unreadable reply, asked twice: ${firstReason}; then ${reply.reason ?? "unreadable"}` : undefined;
    const { reason: _unreadable, ...before } = entry;
    store(key, {
      ...before,
      final: true,
      score: reply.score,
      ...(reason !== undefined ? { reason } : {}),
      replies: [...entry.replies, reply.raw],
      inputTokens: entry.inputTokens + reply.inputTokens,
      outputTokens: entry.outputTokens + reply.outputTokens,
      costUsd: entry.costUsd + costUsd,
      calls: entry.calls + 1,
    });
    return result(reply.score, reason, spent);
  };

  const batches = provider.batch
    ? new BatchRunner({
        api: provider.batch,
        budget,
        logger,
        label,
        size: options.batch?.size ?? 10_000,
        windowMs: options.batch?.windowMs ?? 2_000,
        pollMs: options.batch?.pollMs ?? 30_000,
        signal: runSignal,
        retry: options.retry ?? {},
        worstCost: (prompt) => worstCost(prompt, true),
        costOf: (reply) => costOf(reply, true),
        store: (key, reply, costUsd) => {
          stats.paidCalls++;
          stats.costUsd += costUsd;
          store(key, {
            final: reply.score !== null,
            score: reply.score,
            ...(reply.reason !== undefined ? { reason: reply.reason } : {}),
            replies: [reply.raw],
            inputTokens: reply.inputTokens,
            outputTokens: reply.outputTokens,
            costUsd,
            calls: 1,
            mode: "batch",
          });
        },
        submitted: (batchId, keys) => {
          cache?.recordBatch({ id: batchId, provider: provider.name, model: provider.model, keys });
        },
        ended: (batchId) => cache?.endBatch(batchId),
      })
    : undefined;

  const rateBatch = async (key: string, prompt: string, signal: AbortSignal): Promise<UncertaintyResult> => {
    if (!batches) throw new Error("unreachable: batch mode without a batch API");
    // A batch submitted by an earlier (killed) run: poll it rather than pay again.
    const pendingId = cache?.pendingBatchFor(key);
    let outcome;
    try {
      outcome = pendingId ? ((await batches.poll(pendingId)).get(key) ?? { costUsd: 0, error: `batch ${pendingId} ended without a result for this request` }) : await batches.add(key, prompt);
    } catch (error) {
      if (error === fatal) throw error;
      const none = failed(error, signal);
      return result(null, none.kind === "none" ? none.reason : "no reply", undefined);
    }
    if (outcome === "budget") return overBudget();
    if (!outcome.reply) return result(null, outcome.error ?? "no reply", undefined);
    const spent: Spent = { usd: outcome.costUsd, inputTokens: outcome.reply.inputTokens, outputTokens: outcome.reply.outputTokens };
    if (outcome.reply.score !== null) return result(outcome.reply.score, undefined, spent);
    // Unreadable: the one re-ask goes out synchronously rather than waiting for another batch.
    const stored = cache?.get(key);
    const prior: CachedReply = stored ?? {
      key,
      provider: provider.name,
      model: provider.model,
      promptVersion: setup.template.version,
      final: false,
      score: null,
      ...(outcome.reply.reason !== undefined ? { reason: outcome.reply.reason } : {}),
      replies: [outcome.reply.raw],
      inputTokens: outcome.reply.inputTokens,
      outputTokens: outcome.reply.outputTokens,
      costUsd: outcome.costUsd,
      calls: 1,
      mode: "batch",
      createdAt: new Date().toISOString(),
    };
    return rateSync(key, prompt, prior, signal, spent);
  };

  const elicitor: Elicitor = {
    mode: "offline",
    // Room for cache hits and duplicates to pass while `concurrency` requests are in flight; in
    // batch mode, a whole batch must be able to gather.
    concurrency: mode === "batch" ? (options.batch?.size ?? 10_000) : Math.max(1, (limits.concurrency ?? 8) * 2),
    setup,
    async estimate(sample, { signal }) {
      if (fatal) throw fatal;
      raiseListenerLimit(signal);
      stats.samples++;
      const key = cacheKey(setup, sample.turns);
      const hit = cache?.get(key);
      if (hit?.final) {
        stats.cacheHits++;
        return { score: hit.score, ...(hit.reason !== undefined && hit.score === null ? { reason: hit.reason } : {}), source, cached: true };
      }
      const running = inflight.get(key);
      if (running) {
        stats.deduplicated++;
        const shared = await running;
        return { score: shared.score, ...(shared.reason !== undefined ? { reason: shared.reason } : {}), source, cached: true };
      }
      const prompt = renderPrompt(setup.template, sample.turns, setup.conversationFormat);
      const job = mode === "batch" && !hit ? rateBatch(key, prompt, signal) : rateSync(key, prompt, hit, signal);
      inflight.set(key, job);
      try {
        return await job;
      } finally {
        inflight.delete(key);
      }
    },
    estimateCost(samples, estimateOptions = {}): Promise<CostEstimate> {
      return estimateCost(
        samples,
        {
          setup,
          requestOverheadTokens: provider.requestOverheadTokens,
          expectedOutputTokens: provider.expectedOutputTokens,
          maxOutputTokens: provider.maxOutputTokens,
          ...(options.prices ? { prices: options.prices } : {}),
          ...(cache && !cache.closed ? { cache } : {}),
        },
        estimateOptions,
      );
    },
    stats: () => ({ ...stats, batches: batches?.submittedCount ?? 0 }),
    async close() {
      if (closed) return;
      closed = true;
      batches?.close();
      if (stats.samples > 0) {
        logger.info(
          `${label}: ${stats.samples} samples, ${stats.paidCalls} paid calls, ${stats.cacheHits} from the cache, ${stats.deduplicated} duplicates asked once, ${stats.reasks} re-asked, ${stats.nullScores} null; $${stats.costUsd.toFixed(4)}`,
        );
      }
      cache?.close();
    },
  };
  return elicitor;
}

// Every request in flight listens to the run's signal (the SDK's fetch, the limiter, sleeps):
// more than Node's default of 10, which would print a leak warning that is not one.
const raised = new WeakSet<AbortSignal>();
function raiseListenerLimit(signal: AbortSignal): void {
  if (raised.has(signal)) return;
  raised.add(signal);
  const limit = getMaxListeners(signal);
  if (limit !== 0 && limit < 10_000) setMaxListeners(10_000, signal);
}

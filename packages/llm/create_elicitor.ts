import type { OfflineEstimator, Sample, UncertaintyResult } from "@ual/core";
import { BatchRunner } from "./_batch_runner.ts";
import { firstReplyEntry, raiseListenerLimit, RequestPath, type Spent } from "./_request_path.ts";
import { BUDGET_EXHAUSTED } from "./budget.ts";
import { cacheKey, type RatingSetup } from "./cache_key.ts";
import { estimateCost, type CostEstimate } from "./estimate_cost.ts";
import type { RateCallOptions, RatingProvider } from "./rating_provider.ts";
import type { CachedReply, CallMode } from "./reply_cache.ts";
import { renderPrompt } from "./render_prompt.ts";
import type { PromptTemplate } from "./prompt_template.ts";
import type { ConversationFormat } from "./render_conversation.ts";
import type { RequestSettings } from "./request_settings.ts";
import { REASK_SUFFIX } from "./rubric.ts";

/** Options of {@linkcode createElicitor}: what to ask and how, plus the {@linkcode RequestSettings} of its paid calls. */
export interface ElicitorOptions extends RequestSettings {
  provider: RatingProvider;
  template: PromptTemplate;
  conversationFormat?: ConversationFormat;
  /** `sync` (default) or `batch` (needs `provider.batch`). */
  mode?: CallMode;
  /** Batch mode settings (defaults: 10 000 requests, 2 s window, 30 s polls); polling stops when `signal` aborts. */
  batch?: { size?: number; windowMs?: number; pollMs?: number };
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
  const path = new RequestPath(provider, options, { noAnswer: "the sample gets a null score", kept: "ratings already made" });
  const { label } = path;
  if (mode === "batch" && !provider.batch) throw new Error(`${provider.label} has no batch API in this plugin; use mode: sync`);
  const limits = options.limits ?? {};
  const runSignal = options.signal ?? new AbortController().signal;
  raiseListenerLimit(runSignal);
  const inflight = new Map<string, Promise<UncertaintyResult>>();
  const stats = { samples: 0, cacheHits: 0, deduplicated: 0, nullScores: 0, overBudget: 0 };
  let warnedBudget = false;
  let closed = false;
  const send = (prompt: string, callOptions: RateCallOptions) => provider.rate(prompt, callOptions);
  const asking = { send, reaskSuffix: REASK_SUFFIX, promptVersion: setup.template.version };

  const result = (score: number | null, reason: string | undefined, spent: Spent | undefined): UncertaintyResult => {
    if (score === null) stats.nullScores++;
    return {
      score,
      ...(reason !== undefined ? { reason: path.scrub(reason) } : {}),
      source,
      ...(spent && (spent.usd > 0 || spent.inputTokens > 0) ? { cost: { usd: spent.usd, inputTokens: spent.inputTokens, outputTokens: spent.outputTokens } } : {}),
    };
  };

  const overBudget = (): UncertaintyResult => {
    stats.overBudget++;
    if (!warnedBudget) {
      warnedBudget = true;
      logger.warn(`${label}: maxCostUsd ${options.maxCostUsd} reached ($${path.budget.spentUsd.toFixed(4)} spent); the remaining samples get a null score with reason "${BUDGET_EXHAUSTED}". Raise maxCostUsd and rerun: ratings already made are cached and cost nothing again.`);
    }
    return result(null, BUDGET_EXHAUSTED, undefined);
  };

  /**
   * Asks (or finishes asking) one conversation synchronously. `prior` is a stored first reply
   * that could not be read: only its re-ask is still due.
   */
  const rateSync = async (key: string, prompt: string, prior: CachedReply | undefined, signal: AbortSignal, paidBefore?: Spent): Promise<UncertaintyResult> => {
    const asked = await path.ask(key, prompt, prior, signal, asking, paidBefore);
    if (asked.kind === "budget") return overBudget();
    return result(asked.score, asked.reason, asked.spent);
  };

  const batches = provider.batch
    ? new BatchRunner({
        api: provider.batch,
        budget: path.budget,
        logger,
        label,
        size: options.batch?.size ?? 10_000,
        windowMs: options.batch?.windowMs ?? 2_000,
        pollMs: options.batch?.pollMs ?? 30_000,
        signal: runSignal,
        retry: options.retry ?? {},
        worstCost: (prompt) => path.worstCost(prompt, true),
        costOf: (reply) => path.costOf(reply, true),
        store: (key, reply, costUsd) => {
          path.counts.paidCalls++;
          path.counts.costUsd += costUsd;
          path.store(key, setup.template.version, firstReplyEntry(reply, costUsd, "batch"));
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
      if (error === path.fatal) throw error;
      return result(null, path.failed(error, signal).reason, undefined);
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
      if (path.fatal) throw path.fatal;
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
    stats: () => ({ ...stats, ...path.counts, batches: batches?.submittedCount ?? 0 }),
    async close() {
      if (closed) return;
      closed = true;
      batches?.close();
      if (stats.samples > 0) {
        const { paidCalls, reasks, costUsd } = path.counts;
        logger.info(
          `${label}: ${stats.samples} samples, ${paidCalls} paid calls, ${stats.cacheHits} from the cache, ${stats.deduplicated} duplicates asked once, ${reasks} re-asked, ${stats.nullScores} null; $${costUsd.toFixed(4)}`,
        );
      }
      cache?.close();
    },
  };
  return elicitor;
}

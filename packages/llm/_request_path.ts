import { getMaxListeners, setMaxListeners } from "node:events";
import type { JsonValue } from "@ual/core";
import { Budget } from "./budget.ts";
import { classifyFailure } from "./classify_failure.ts";
import { tokenCounterFor, type TokenCounter } from "./count_tokens.ts";
import { callCost, priceFor, type Price } from "./prices.ts";
import type { ProviderDescription } from "./provider_description.ts";
import type { RateCallOptions, RatingReply } from "./rating_provider.ts";
import { RateLimiter } from "./rate_limiter.ts";
import type { CachedReply, CallMode } from "./reply_cache.ts";
import type { RequestSettings } from "./request_settings.ts";
import { retry, RetriesExhaustedError } from "./retry.ts";
import { scrubSecrets } from "./scrub_secrets.ts";

/** What the request path needs to know of an API: the rater's and the judge's providers both say it. */
export type PaidApi = Pick<ProviderDescription, "name" | "label" | "model" | "requestOverheadTokens" | "maxOutputTokens">;

/** How messages speak of a request left without an answer, and of what a rerun keeps. */
export interface RequestWording {
  noAnswer: string;
  kept: string;
}

/** Money and tokens paid for one answer. */
export interface Spent {
  usd: number;
  inputTokens: number;
  outputTokens: number;
}

/** One paid call's end: a reply, or no reply with the reason (the call was refused or gave up). */
export type CallOutcome = { kind: "reply"; reply: RatingReply; costUsd: number } | { kind: "none"; reason: string };

/** A cache entry before the request path adds who asked and when. */
export type CacheEntry = Omit<CachedReply, "key" | "provider" | "model" | "promptVersion" | "createdAt">;

/** How one prompt was answered, after its one re-ask if it needed one. */
export type Asked =
  | { kind: "budget" }
  | {
      kind: "answer";
      /** The read answer, or null with `reason`. */
      score: number | null;
      reason?: string;
      /** What this process paid for it (zero when nothing was paid). */
      spent: Spent;
      /** The stored replies in order; the last one is the answer read (or the last unreadable one). */
      replies: JsonValue[];
      /** True when the null score is the model's fault: its reply could not be read, twice. */
      unreadable: boolean;
    };

/** What {@linkcode RequestPath.ask} needs besides the prompt. */
export interface AskOptions {
  /** One call of the API, read (the provider's). */
  send: (prompt: string, options: RateCallOptions) => Promise<RatingReply>;
  /** Appended to the prompt for the one re-ask of an unreadable reply. */
  reaskSuffix: string;
  /** The prompt version stored with the cache entry. */
  promptVersion: string;
}

/**
 * The one way UAL's LLM clients pay for an answer, shared by the elicitor and the judge: the
 * budget (a worst-case reservation before each call), the client-side rate limiter, the
 * per-request timeout, retries with backoff that honour retry-after (a 429 pauses everyone),
 * the sorting of failures (a refused key or an unknown model stops the run; a refused request
 * gives no answer; too many give-ups in a row stop the run), secrets scrubbed from every stored
 * text, and the cache write **before** an answer is used — including an unreadable first reply,
 * stored as not final before its one re-ask.
 */
export class RequestPath {
  readonly api: PaidApi;
  /** `OpenAI gpt-4o`: how messages name the model. */
  readonly label: string;
  readonly price: Price | undefined;
  readonly budget: Budget;
  readonly limiter: RateLimiter;
  readonly timeoutMs: number;
  /** Paid calls that returned, money spent and re-asks made by this process. */
  readonly counts = { paidCalls: 0, costUsd: 0, reasks: 0 };
  readonly #o: RequestSettings;
  readonly #secrets: ReadonlyArray<string | undefined>;
  readonly #maxConsecutiveFailures: number;
  readonly #needTokens: boolean;
  readonly #wording: RequestWording;
  #counter: Promise<TokenCounter> | undefined;
  #fatal: Error | undefined;
  #consecutiveFailures = 0;

  /** `settings` may be a larger object (the elicitor's or the judge's options): only the fields of {@linkcode RequestSettings} are read. */
  constructor(api: PaidApi, settings: RequestSettings, wording?: RequestWording) {
    this.#o = settings;
    this.api = api;
    this.label = `${api.label} ${api.model}`;
    this.price = priceFor(api.model, settings.prices);
    if (settings.maxCostUsd !== undefined && !this.price) {
      throw new Error(`maxCostUsd needs the price of "${api.model}", which is not in the price table; add it: prices: { "${api.model}": { input: <USD per 1M tokens>, output: <USD per 1M tokens> } }`);
    }
    const limits = settings.limits ?? {};
    this.limiter = new RateLimiter(limits);
    this.budget = new Budget(settings.maxCostUsd);
    this.timeoutMs = settings.timeoutMs ?? 60_000;
    this.#secrets = settings.secrets ?? [];
    this.#maxConsecutiveFailures = settings.maxConsecutiveFailures ?? 5;
    this.#wording = wording ?? { noAnswer: "it gets no answer", kept: "answers already received" };
    // Counting tokens is only needed for a token limit or a budget; the encoder loads once.
    this.#needTokens = limits.tokensPerMinute !== undefined || settings.maxCostUsd !== undefined;
  }

  /** The error that stopped the run (a refused key, an unknown model, the API down), if any. */
  get fatal(): Error | undefined {
    return this.#fatal;
  }

  /** The text with every secret (and key-shaped word) replaced. */
  scrub(text: string): string {
    return scrubSecrets(text, this.#secrets);
  }

  /** The prompt's tokens plus the request overhead; 0 when neither a token limit nor a budget needs them. */
  async promptTokens(prompt: string): Promise<number> {
    if (!this.#needTokens) return 0;
    this.#counter ??= tokenCounterFor(this.api.name, this.api.model);
    return (await this.#counter).count(prompt) + this.api.requestOverheadTokens;
  }

  /** The most a call with this prompt can cost. */
  async worstCost(prompt: string, batch: boolean): Promise<number> {
    return callCost({ inputTokens: await this.promptTokens(prompt), outputTokens: this.api.maxOutputTokens }, this.price, { batch });
  }

  /** What an answer cost. */
  costOf(usage: { inputTokens: number; outputTokens: number }, batch: boolean): number {
    return callCost(usage, this.price, { batch });
  }

  /** Stores a cache entry (scrubbed) under `key`; committed when this returns. No cache: nothing. */
  store(key: string, promptVersion: string, entry: CacheEntry): void {
    const cache = this.#o.cache;
    if (!cache || cache.closed) return;
    cache.put({
      key,
      provider: this.api.name,
      model: this.api.model,
      promptVersion,
      createdAt: new Date().toISOString(),
      ...entry,
      ...(entry.reason !== undefined ? { reason: this.scrub(entry.reason) } : {}),
      replies: JSON.parse(this.scrub(JSON.stringify(entry.replies))) as JsonValue[],
    });
  }

  /** Turns a failure that outlived its retries (or was final) into no answer, or stops the run. */
  failed(error: unknown, signal: AbortSignal): Extract<CallOutcome, { kind: "none" }> {
    const { api } = this;
    const { logger, apiKeyEnv, apiKeySecret = "apiKey" } = this.#o;
    const last = error instanceof RetriesExhaustedError ? error.cause : error;
    const failure = classifyFailure(last, signal);
    const message = this.scrub(failure.message);
    switch (failure.kind) {
      case "abort":
        throw error;
      case "auth":
        this.#fatal ??= new Error(`${api.label} refused the API key (${failure.status}): set ${apiKeyEnv} to a valid key (or name another variable under the stage's secrets: { ${apiKeySecret}: ... })`);
        throw this.#fatal;
      case "config":
        this.#fatal ??= new Error(`${api.label} answered ${failure.status} for model "${api.model}" — is the model name right, and is the base URL the API's? (${message})`);
        throw this.#fatal;
      case "rejected":
        return { kind: "none", reason: `${api.label} rejected the request (${failure.status}): ${message}` };
      case "retryable": {
        this.#consecutiveFailures++;
        const attempts = error instanceof RetriesExhaustedError ? error.attempts : 1;
        if (this.#consecutiveFailures >= this.#maxConsecutiveFailures) {
          this.#fatal ??= new Error(`${this.#consecutiveFailures} requests in a row to ${this.label} failed after ${attempts} attempts each (last: ${message}); the API looks unavailable. Rerun later: ${this.#wording.kept} are cached.`);
          throw this.#fatal;
        }
        logger.warn(`${this.label}: a request gave up after ${attempts} attempts (${message}); ${this.#wording.noAnswer}`);
        return { kind: "none", reason: `gave up after ${attempts} attempts: ${message}` };
      }
      default:
        throw new Error(this.scrub(failure.message), { cause: last });
    }
  }

  /** One paid call, with budget, rate limits, timeout and retries; `"budget"` when it would pass `maxCostUsd`. */
  async call(prompt: string, send: AskOptions["send"], signal: AbortSignal): Promise<CallOutcome | "budget"> {
    const { api } = this;
    const { logger } = this.#o;
    const tokens = await this.promptTokens(prompt);
    const reservation = this.budget.reserve(callCost({ inputTokens: tokens, outputTokens: api.maxOutputTokens }, this.price));
    if (!reservation) return "budget";
    try {
      const reply = await retry(
        async () => {
          if (this.#fatal) throw this.#fatal;
          const permit = await this.limiter.acquire(tokens + api.maxOutputTokens, signal);
          try {
            const answer = await send(prompt, { signal, timeoutMs: this.timeoutMs });
            permit.release(answer.inputTokens + answer.outputTokens);
            return answer;
          } catch (error) {
            permit.release();
            throw error;
          }
        },
        {
          ...this.#o.retry,
          signal,
          decide: (error) => {
            if (error === this.#fatal) return { retry: false };
            const failure = classifyFailure(error, signal);
            if (failure.kind !== "retryable") return { retry: false };
            // Everyone holds back, not just this request: the limit is the account's.
            if (failure.status === 429 && failure.retryAfterMs !== undefined) this.limiter.pause(failure.retryAfterMs);
            return { retry: true, ...(failure.retryAfterMs !== undefined ? { delayMs: failure.retryAfterMs } : {}) };
          },
          onRetry: ({ attempt, delayMs, error }) =>
            logger.debug(`${this.label}: attempt ${attempt} failed (${this.scrub(classifyFailure(error).message)}); retrying in ${Math.round(delayMs)} ms`),
        },
      );
      const costUsd = this.costOf(reply, false);
      reservation.settle(costUsd);
      this.#consecutiveFailures = 0;
      this.counts.paidCalls++;
      this.counts.costUsd += costUsd;
      return { kind: "reply", reply, costUsd };
    } catch (error) {
      reservation.settle(0);
      if (error === this.#fatal) throw error;
      return this.failed(error, signal);
    }
  }

  /**
   * Asks (or finishes asking) one prompt synchronously: the first reply is stored before it is
   * used — as not final when it cannot be read, so a crash before the re-ask pays only for the
   * re-ask — then an unreadable reply is asked again once (spec §9) and the second answer,
   * readable or not, is stored as final. `prior` is a stored unreadable first reply whose re-ask
   * is still due; `paidBefore` what this process already paid for it (a batch reply).
   */
  async ask(key: string, prompt: string, prior: CachedReply | undefined, signal: AbortSignal, options: AskOptions, paidBefore?: Spent): Promise<Asked> {
    const spent: Spent = paidBefore ? { ...paidBefore } : { usd: 0, inputTokens: 0, outputTokens: 0 };
    let entry: CacheEntry;
    if (prior) {
      entry = { ...prior };
    } else {
      const first = await this.call(prompt, options.send, signal);
      if (first === "budget") return { kind: "budget" };
      if (first.kind === "none") return { kind: "answer", score: null, reason: first.reason, spent, replies: [], unreadable: false };
      const { reply, costUsd } = first;
      add(spent, reply, costUsd);
      entry = firstReplyEntry(reply, costUsd, "sync");
      // Stored before it is used, and before a re-ask: a crash from here on never pays for it again.
      this.store(key, options.promptVersion, entry);
      if (entry.final) return { kind: "answer", score: reply.score, spent, replies: entry.replies, unreadable: false };
    }
    this.counts.reasks++;
    const firstReason = entry.reason ?? "unreadable reply";
    const second = await this.call(`${prompt}${options.reaskSuffix}`, options.send, signal);
    if (second === "budget") return { kind: "budget" };
    if (second.kind === "none") return { kind: "answer", score: null, reason: `${firstReason}; the re-ask failed: ${second.reason}`, spent, replies: entry.replies, unreadable: false };
    const { reply, costUsd } = second;
    add(spent, reply, costUsd);
    const reason = reply.score === null ? `unreadable reply, asked twice: ${firstReason}; then ${reply.reason ?? "unreadable"}` : undefined;
    const { reason: _unreadable, ...before } = entry;
    const replies = [...entry.replies, reply.raw];
    this.store(key, options.promptVersion, {
      ...before,
      final: true,
      score: reply.score,
      ...(reason !== undefined ? { reason } : {}),
      replies,
      inputTokens: entry.inputTokens + reply.inputTokens,
      outputTokens: entry.outputTokens + reply.outputTokens,
      costUsd: entry.costUsd + costUsd,
      calls: entry.calls + 1,
    });
    return { kind: "answer", score: reply.score, ...(reason !== undefined ? { reason } : {}), spent, replies, unreadable: reply.score === null };
  }
}

/** The cache entry of a first reply: final when it could be read, else waiting for its one re-ask. */
export function firstReplyEntry(reply: RatingReply, costUsd: number, mode: CallMode): CacheEntry {
  return {
    final: reply.score !== null,
    score: reply.score,
    ...(reply.reason !== undefined ? { reason: reply.reason } : {}),
    replies: [reply.raw],
    inputTokens: reply.inputTokens,
    outputTokens: reply.outputTokens,
    costUsd,
    calls: 1,
    mode,
  };
}

function add(spent: Spent, usage: { inputTokens: number; outputTokens: number }, usd: number): void {
  spent.usd += usd;
  spent.inputTokens += usage.inputTokens;
  spent.outputTokens += usage.outputTokens;
}

// Every request in flight listens to the run's signal (the SDK's fetch, the limiter, sleeps):
// more than Node's default of 10, which would print a leak warning that is not one.
const raised = new WeakSet<AbortSignal>();

/** Lets many requests listen to one signal without Node's leak warning. */
export function raiseListenerLimit(signal: AbortSignal): void {
  if (raised.has(signal)) return;
  raised.add(signal);
  const limit = getMaxListeners(signal);
  if (limit !== 0 && limit < 10_000) setMaxListeners(10_000, signal);
}

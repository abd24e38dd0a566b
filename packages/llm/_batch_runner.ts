import type { Logger } from "@ual/core";
import { sleep } from "./_sleep.ts";
import type { Budget, Reservation } from "./budget.ts";
import { classifyFailure } from "./classify_failure.ts";
import type { BatchApi, RatingReply } from "./rating_provider.ts";
import { retry, type RetryOptions } from "./retry.ts";

/** What a batch gave one request. */
export interface BatchOutcome {
  reply?: RatingReply;
  costUsd: number;
  /** Why there is no reply. */
  error?: string;
}

/** Options of {@linkcode BatchRunner}. */
export interface BatchRunnerOptions {
  api: BatchApi;
  budget: Budget;
  logger: Logger;
  label: string;
  size: number;
  windowMs: number;
  pollMs: number;
  /** The run's signal: polling stops when it aborts. */
  signal: AbortSignal;
  retry: RetryOptions;
  /** The worst-case cost of a request, to reserve before submitting it. */
  worstCost: (prompt: string) => Promise<number>;
  costOf: (reply: RatingReply) => number;
  /** Stores a result; called before anyone is told of it. */
  store: (key: string, reply: RatingReply, costUsd: number) => void;
  /** Records a batch id and its keys; called before polling starts. */
  submitted: (batchId: string, keys: string[]) => void;
  ended: (batchId: string) => void;
}

interface Pending {
  key: string;
  prompt: string;
  resolve: (outcome: BatchOutcome | "budget") => void;
  reject: (error: unknown) => void;
}

/**
 * Gathers requests into batches, submits them, records each batch id before polling, polls,
 * and hands every request its result. A batch goes out when `size` requests have gathered or
 * `windowMs` passed without a new one (the pipeline feeds samples one by one and never says
 * "that was the last").
 */
export class BatchRunner {
  readonly #o: BatchRunnerOptions;
  #pending: Pending[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #polls = new Map<string, Promise<Map<string, BatchOutcome>>>();
  readonly #reservations = new Map<string, Reservation>();
  #submitted = 0;

  constructor(options: BatchRunnerOptions) {
    this.#o = options;
  }

  /** Batches submitted by this process. */
  get submittedCount(): number {
    return this.#submitted;
  }

  /** Queues a request; resolves with its result, or `"budget"` when it did not fit the budget. */
  add(key: string, prompt: string): Promise<BatchOutcome | "budget"> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ key, prompt, resolve, reject });
      if (this.#timer !== undefined) clearTimeout(this.#timer);
      this.#timer = undefined;
      if (this.#pending.length >= this.#o.size) void this.#flush();
      else this.#timer = setTimeout(() => void this.#flush(), this.#o.windowMs);
    });
  }

  /** Polls a batch until it ends and returns its results by key (shared by every caller). */
  poll(batchId: string): Promise<Map<string, BatchOutcome>> {
    let found = this.#polls.get(batchId);
    if (!found) {
      found = this.#pollUntilEnded(batchId);
      this.#polls.set(batchId, found);
      // A failed poll (an abort) may be retried by a later caller.
      found.catch(() => this.#polls.delete(batchId));
    }
    return found;
  }

  /** Stops the timer; requests still gathering are rejected. */
  close(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const p of this.#pending.splice(0)) p.reject(new Error("the estimator was closed before the batch was submitted"));
  }

  async #flush(): Promise<void> {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    const taken = this.#pending.splice(0, this.#o.size);
    if (this.#pending.length > 0) this.#timer = setTimeout(() => void this.#flush(), this.#o.windowMs);
    if (taken.length === 0) return;
    const going: Pending[] = [];
    for (const p of taken) {
      const reservation = this.#o.budget.reserve(await this.#o.worstCost(p.prompt));
      if (!reservation) {
        p.resolve("budget");
        continue;
      }
      this.#reservations.set(p.key, reservation);
      going.push(p);
    }
    if (going.length === 0) return;
    const { signal } = this.#o;
    try {
      const batchId = await retry(() => this.#o.api.submit(going.map((p) => ({ customId: p.key, prompt: p.prompt })), { signal }), {
        ...this.#o.retry,
        signal,
        decide: (error) => {
          const failure = classifyFailure(error, signal);
          return { retry: failure.kind === "retryable", ...(failure.retryAfterMs !== undefined ? { delayMs: failure.retryAfterMs } : {}) };
        },
      });
      this.#o.submitted(batchId, going.map((p) => p.key));
      this.#submitted++;
      this.#o.logger.info(`${this.#o.label}: submitted batch ${batchId} with ${going.length} requests; checking every ${Math.round(this.#o.pollMs / 1000)} s`);
      const results = await this.poll(batchId);
      for (const p of going) {
        this.#reservations.get(p.key)?.settle(0);
        this.#reservations.delete(p.key);
        p.resolve(results.get(p.key) ?? { costUsd: 0, error: `batch ${batchId} ended without a result for this request` });
      }
    } catch (error) {
      for (const p of going) {
        this.#reservations.get(p.key)?.settle(0);
        this.#reservations.delete(p.key);
        p.reject(error);
      }
    }
  }

  async #pollUntilEnded(batchId: string): Promise<Map<string, BatchOutcome>> {
    const { api, signal } = this.#o;
    const decide = (error: unknown) => {
      const failure = classifyFailure(error, signal);
      return { retry: failure.kind === "retryable", ...(failure.retryAfterMs !== undefined ? { delayMs: failure.retryAfterMs } : {}) };
    };
    let status: string;
    for (;;) {
      const state = await retry(() => api.check(batchId, { signal }), { ...this.#o.retry, signal, decide });
      if (state.ended) {
        status = state.status;
        break;
      }
      await sleep(this.#o.pollMs, signal);
    }
    const results = new Map<string, BatchOutcome>();
    await retry(
      async () => {
        for await (const line of api.results(batchId, { signal })) {
          if (results.has(line.customId)) continue;
          if (line.reply) {
            const costUsd = this.#o.costOf(line.reply);
            this.#o.store(line.customId, line.reply, costUsd);
            const reservation = this.#reservations.get(line.customId);
            if (reservation) reservation.settle(costUsd);
            else this.#o.budget.record(costUsd);
            this.#reservations.delete(line.customId);
            results.set(line.customId, { reply: line.reply, costUsd });
          } else {
            this.#reservations.get(line.customId)?.settle(0);
            this.#reservations.delete(line.customId);
            results.set(line.customId, { costUsd: 0, error: line.error ?? `no result in batch ${batchId}` });
          }
        }
      },
      { ...this.#o.retry, signal, decide },
    );
    this.#o.ended(batchId);
    if (status !== "completed" && status !== "ended") this.#o.logger.warn(`${this.#o.label}: batch ${batchId} ended as "${status}"; requests without a result get a null score (rerun to ask again)`);
    else this.#o.logger.info(`${this.#o.label}: batch ${batchId} ended; ${results.size} results`);
    return results;
  }
}

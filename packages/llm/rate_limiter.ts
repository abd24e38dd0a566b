/** Limits on the requests a client makes. Unset limits do not apply. */
export interface RateLimits {
  /** Requests in flight at once. */
  concurrency?: number;
  /** Requests started per minute, paced evenly (600 → one every 100 ms). */
  requestsPerMinute?: number;
  /** Tokens (prompt + the most the reply may use) per minute. */
  tokensPerMinute?: number;
}

/** Options of {@linkcode RateLimiter}. */
export interface RateLimiterOptions extends RateLimits {
  /** The clock, in milliseconds (default `performance.now`); tests pass a fake one. */
  now?: () => number;
}

/** The right to make one request; release it when the request has ended. */
export interface Permit {
  /**
   * Gives the slot back. `usedTokens` (what the reply says the request used) corrects the
   * estimate the permit was taken with, so the token budget follows real usage.
   */
  release(usedTokens?: number): void;
}

interface Waiter {
  tokens: number;
  resolve: (permit: Permit) => void;
  reject: (reason: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

/**
 * A client-side rate limiter: at most `concurrency` requests in flight, starts paced to
 * `requestsPerMinute`, and a token bucket for `tokensPerMinute`; waiters are served first come,
 * first served. Pacing is a GCRA (virtual scheduling) with half an interval of tolerance, so a
 * timer that fires a little late does not push every later request back: a long run achieves
 * the full rate instead of drifting below it. After a 429, {@linkcode RateLimiter.pause} holds
 * every start until the server's retry-after has passed.
 *
 * @example
 * ```ts
 * const limiter = new RateLimiter({ concurrency: 8, requestsPerMinute: 600, tokensPerMinute: 200_000 });
 * const permit = await limiter.acquire(estimatedTokens, signal);
 * try { await call(); } finally { permit.release(); }
 * ```
 */
export class RateLimiter {
  readonly #concurrency: number;
  readonly #interval: number;
  readonly #tolerance: number;
  readonly #tokenRate: number;
  readonly #tokenCapacity: number;
  readonly #now: () => number;
  readonly #queue: Waiter[] = [];
  #active = 0;
  #tat = Number.NEGATIVE_INFINITY;
  #tokens: number;
  #tokensAt: number;
  #pausedUntil = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerAt = Number.POSITIVE_INFINITY;

  constructor(options: RateLimiterOptions = {}) {
    this.#now = options.now ?? (() => performance.now());
    this.#concurrency = positiveOr(options.concurrency, Number.POSITIVE_INFINITY);
    const rpm = positiveOr(options.requestsPerMinute, Number.POSITIVE_INFINITY);
    this.#interval = Number.isFinite(rpm) ? 60_000 / rpm : 0;
    this.#tolerance = this.#interval / 2;
    const tpm = positiveOr(options.tokensPerMinute, Number.POSITIVE_INFINITY);
    this.#tokenRate = tpm / 60_000;
    // Ten seconds' worth: enough for a burst at start, not a minute's worth at once.
    this.#tokenCapacity = tpm / 6;
    this.#tokens = this.#tokenCapacity;
    this.#tokensAt = this.#now();
  }

  /** Requests holding a permit. */
  get active(): number {
    return this.#active;
  }

  /** Requests waiting for one. */
  get waiting(): number {
    return this.#queue.length;
  }

  /**
   * Waits for a permit. `tokens` is the request's estimated size (for `tokensPerMinute`). Rejects
   * with the signal's reason if it is aborted while waiting.
   */
  acquire(tokens = 0, signal?: AbortSignal): Promise<Permit> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<Permit>((resolve, reject) => {
      const waiter: Waiter = {
        tokens: Math.max(0, tokens),
        resolve,
        reject,
        signal,
        onAbort: () => {
          const i = this.#queue.indexOf(waiter);
          if (i >= 0) this.#queue.splice(i, 1);
          reject(signal?.reason);
          this.#pump();
        },
      };
      signal?.addEventListener("abort", waiter.onAbort, { once: true });
      this.#queue.push(waiter);
      this.#pump();
    });
  }

  /** Starts nothing for `ms` milliseconds (a server's retry-after): every waiter holds back. */
  pause(ms: number): void {
    if (!(ms > 0)) return;
    this.#pausedUntil = Math.max(this.#pausedUntil, this.#now() + ms);
    this.#pump();
  }

  #refill(now: number): void {
    if (Number.isFinite(this.#tokenCapacity)) {
      this.#tokens = Math.min(this.#tokenCapacity, this.#tokens + (now - this.#tokensAt) * this.#tokenRate);
    }
    this.#tokensAt = now;
  }

  #pump(): void {
    while (this.#queue.length > 0) {
      if (this.#active >= this.#concurrency) return;
      const head = this.#queue[0] as Waiter;
      const now = this.#now();
      this.#refill(now);
      let wait = Math.max(0, this.#pausedUntil - now);
      if (this.#interval > 0) wait = Math.max(wait, this.#tat - this.#tolerance - now);
      // A request larger than the bucket waits for a full bucket and then goes (into debt).
      const needed = Math.min(head.tokens, this.#tokenCapacity);
      if (this.#tokens < needed) wait = Math.max(wait, (needed - this.#tokens) / this.#tokenRate);
      if (wait > 0) {
        this.#schedule(now + wait);
        return;
      }
      this.#queue.shift();
      head.signal?.removeEventListener("abort", head.onAbort);
      this.#active++;
      if (this.#interval > 0) this.#tat = Math.max(this.#tat, now) + this.#interval;
      if (Number.isFinite(this.#tokenCapacity)) this.#tokens -= head.tokens;
      head.resolve(this.#permit(head.tokens));
    }
  }

  #permit(tokens: number): Permit {
    let released = false;
    return {
      release: (usedTokens?: number) => {
        if (released) return;
        released = true;
        this.#active--;
        if (usedTokens !== undefined && Number.isFinite(this.#tokenCapacity)) {
          this.#refill(this.#now());
          this.#tokens = Math.min(this.#tokenCapacity, this.#tokens + tokens - usedTokens);
        }
        this.#pump();
      },
    };
  }

  #schedule(at: number): void {
    // One timer for the whole queue: only its head can be next.
    if (this.#timer !== undefined && this.#timerAt <= at) return;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timerAt = at;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#timerAt = Number.POSITIVE_INFINITY;
      this.#pump();
    }, Math.max(1, Math.ceil(at - this.#now())));
  }
}

function positiveOr(value: number | undefined, fallback: number): number {
  return value !== undefined && value > 0 ? value : fallback;
}

import { sleep as defaultSleep } from "./_sleep.ts";

/** What to do after a failed attempt. */
export interface RetryDecision {
  retry: boolean;
  /** The server's own wait (retry-after), which replaces the computed backoff. */
  delayMs?: number;
}

/** Options of {@linkcode retry}. */
export interface RetryOptions {
  /** Attempts in all, the first included (default 6). */
  maxAttempts?: number;
  /** The backoff before the second attempt (default 1000 ms); it doubles each time. */
  baseDelayMs?: number;
  /** The longest computed backoff (default 60 000 ms). */
  maxDelayMs?: number;
  /** The longest retry-after honoured (default 120 000 ms); a longer one is cut to this. */
  maxRetryAfterMs?: number;
  /** Whether an error is worth another attempt (default: every error is). */
  decide?: (error: unknown, attempt: number) => RetryDecision;
  /** Stops waiting and retrying. */
  signal?: AbortSignal;
  /** Called before each wait; for logs. */
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
  /** Source of jitter in [0, 1) (default `Math.random`). */
  random?: () => number;
  /** How to wait (default a timer); tests pass one that records the delays. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * Every attempt failed with a retryable error; `cause` is the last one.
 *
 * @example
 * ```ts
 * try { await retry(call); } catch (e) { if (e instanceof RetriesExhaustedError) console.log(e.attempts, e.cause); }
 * ```
 */
export class RetriesExhaustedError extends Error {
  override name = "RetriesExhaustedError";
  readonly attempts: number;

  constructor(attempts: number, cause: unknown) {
    super(`gave up after ${attempts} attempts: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.attempts = attempts;
  }
}

/**
 * The wait before attempt `attempt + 1`: exponential backoff with "equal jitter" — half of
 * `min(maxDelayMs, baseDelayMs · 2^(attempt−1))` fixed, half random — so clients that failed
 * together do not retry together, and no wait is near zero.
 *
 * @example
 * ```ts
 * backoffDelay(3, { baseDelayMs: 1000, maxDelayMs: 60_000, random: () => 0.5 }); // 3000
 * ```
 */
export function backoffDelay(attempt: number, options: { baseDelayMs: number; maxDelayMs: number; random: () => number }): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return ceiling / 2 + options.random() * (ceiling / 2);
}

/**
 * Calls `attempt` until it succeeds, `decide` says an error is final, or `maxAttempts` is
 * reached (then {@linkcode RetriesExhaustedError}). Between attempts it waits the server's
 * retry-after when `decide` gives one (plus up to 10% jitter, so a crowd told "retry in 2 s" does
 * not come back in the same millisecond), else {@linkcode backoffDelay}. An abort ends it at once
 * with the signal's reason.
 *
 * @example
 * ```ts
 * const reply = await retry(() => client.chat.completions.create(body), {
 *   decide: (error) => ({ retry: isTransient(error), delayMs: retryAfterOf(error) }),
 *   signal,
 * });
 * ```
 */
export async function retry<T>(attempt: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const maxAttempts = Math.max(1, options.maxAttempts ?? 6);
  const baseDelayMs = options.baseDelayMs ?? 1000;
  const maxDelayMs = options.maxDelayMs ?? 60_000;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? 120_000;
  const random = options.random ?? Math.random;
  const wait = options.sleep ?? defaultSleep;
  const decide = options.decide ?? ((): RetryDecision => ({ retry: true }));
  for (let n = 1; ; n++) {
    if (options.signal?.aborted) throw options.signal.reason;
    try {
      return await attempt(n);
    } catch (error) {
      if (options.signal?.aborted) throw options.signal.reason;
      const decision = decide(error, n);
      if (!decision.retry) throw error;
      if (n >= maxAttempts) throw new RetriesExhaustedError(n, error);
      const delayMs =
        decision.delayMs !== undefined && decision.delayMs >= 0
          ? Math.min(decision.delayMs, maxRetryAfterMs) * (1 + 0.1 * random())
          : backoffDelay(n, { baseDelayMs, maxDelayMs, random });
      options.onRetry?.({ attempt: n, delayMs, error });
      await wait(delayMs, options.signal);
    }
  }
}

/** What {@linkcode planThreads} decided, and why when it took fewer threads than asked. */
export interface ThreadPlan {
  threads: number;
  /** Why `auto` stopped below the cores, or why an explicit count is risky. */
  note?: string;
  /** True when `note` is a warning (an explicit count above the memory available). */
  warn?: boolean;
}

const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(2)} GiB`;

/**
 * How many data-parallel threads to train on, given what each costs in memory. Every thread has
 * its own wasm heap with its own copy of the model — a pretrained model's frozen base is loaded
 * once per thread — plus its micro-batch's activations, so `t` threads need about
 * `t · bytesPerThread(t)` (a thread's share, and so its micro-batch, shrinks as `t` grows).
 *
 * `auto` takes the most threads, up to `limit` (cores, batch size), whose total fits
 * `availableBytes` (the memory the system has free for the run); at least 1. An explicit count
 * is kept (up to `limit`) but flagged when it does not fit.
 *
 * @example
 * ```ts
 * const plan = planThreads({ requested: "auto", limit: 4, availableBytes: 3 * 1024 ** 3, bytesPerThread: () => 1024 ** 3 });
 * plan.threads; // 3
 * ```
 */
export function planThreads(args: { requested: number | "auto"; limit: number; availableBytes: number; bytesPerThread: (threads: number) => number }): ThreadPlan {
  const { requested, limit, availableBytes, bytesPerThread } = args;
  const total = (t: number) => t * bytesPerThread(t);
  if (requested !== "auto") {
    const threads = Math.max(1, Math.min(requested, limit));
    if (threads > 1 && total(threads) > availableBytes) {
      return {
        threads,
        warn: true,
        note: `threads ${threads} need about ${gib(total(threads))} together (each thread holds its own copy of the model), more than the ${gib(availableBytes)} available; use threads "auto" or fewer threads`,
      };
    }
    return { threads };
  }
  let threads = 1;
  for (let t = 2; t <= limit; t++) if (total(t) <= availableBytes) threads = t;
  if (threads < limit) {
    return {
      threads,
      note: `threads auto: ${threads} of ${limit} (each thread holds its own copy of the model, about ${gib(bytesPerThread(threads + 1))} with its micro-batch; ${threads + 1} threads would need ${gib(total(threads + 1))}, ${gib(availableBytes)} are available)`,
    };
  }
  return { threads };
}

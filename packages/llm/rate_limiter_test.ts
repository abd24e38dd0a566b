import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { RateLimiter } from "./rate_limiter.ts";

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Starts `n` acquisitions and records the fake time at which each is granted. */
function grants(limiter: RateLimiter, n: number, tokens = 0): number[] {
  const times: number[] = [];
  for (let i = 0; i < n; i++) void limiter.acquire(tokens).then(() => times.push(Date.now()));
  return times;
}

describe("RateLimiter", () => {
  it("RateLimiter never lets more than `concurrency` requests hold a permit", async () => {
    const limiter = new RateLimiter({ concurrency: 3, now: () => Date.now() });
    let active = 0;
    let peak = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const permit = await limiter.acquire();
        active++;
        peak = Math.max(peak, active);
        order.push(i);
        await vi.advanceTimersByTimeAsync(1 + (i % 3));
        active--;
        permit.release();
      }),
    );
    expect(peak).toBe(3);
    // First come, first served.
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it("RateLimiter paces starts to requestsPerMinute without drifting below it", async () => {
    const limiter = new RateLimiter({ requestsPerMinute: 600, now: () => Date.now() });
    const start = Date.now();
    const times = grants(limiter, 101);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(times).toHaveLength(101);
    const offsets = times.map((t) => t - start);
    // One every 100 ms after a start-up allowance of half an interval: 101 starts within 10 s.
    expect(offsets.at(-1)).toBeLessThanOrEqual(10_000);
    expect(offsets.at(-1)).toBeGreaterThanOrEqual(9_900);
    for (let i = 2; i < offsets.length; i++) expect((offsets[i] as number) - (offsets[i - 1] as number)).toBeGreaterThanOrEqual(99);
  });

  it("RateLimiter holds requests to tokensPerMinute, letting unused tokens back", async () => {
    // 60 000 tokens a minute: a 10 s bucket of 10 000, refilled at 1 000 per second.
    const limiter = new RateLimiter({ tokensPerMinute: 60_000, now: () => Date.now() });
    const first = await limiter.acquire(5_000);
    await limiter.acquire(5_000);
    const times = grants(limiter, 2, 5_000);
    await vi.advanceTimersByTimeAsync(4_900);
    expect(times).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(200);
    expect(times).toHaveLength(1);
    // A request that used none of the 5 000 it reserved (it failed before the API counted it) gives them back at once.
    first.release(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(times).toHaveLength(2);
  });

  it("RateLimiter lets a request larger than the bucket through once the bucket is full", async () => {
    const limiter = new RateLimiter({ tokensPerMinute: 6_000, now: () => Date.now() });
    const times = grants(limiter, 1, 50_000);
    await vi.advanceTimersByTimeAsync(0);
    expect(times).toHaveLength(1);
  });

  it("RateLimiter.pause() holds every start until the retry-after has passed", async () => {
    const limiter = new RateLimiter({ now: () => Date.now() });
    limiter.pause(2_000);
    const times = grants(limiter, 3);
    await vi.advanceTimersByTimeAsync(1_999);
    expect(times).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(2);
    expect(times).toHaveLength(3);
  });

  it("RateLimiter.acquire() rejects when its signal aborts while waiting, and frees its place", async () => {
    const limiter = new RateLimiter({ concurrency: 1, now: () => Date.now() });
    const first = await limiter.acquire();
    const controller = new AbortController();
    const waiting = limiter.acquire(0, controller.signal);
    const next = limiter.acquire();
    controller.abort(new Error("stop"));
    await expect(waiting).rejects.toThrow("stop");
    expect(limiter.waiting).toBe(1);
    first.release();
    first.release();
    await expect(next).resolves.toBeDefined();
    expect(limiter.active).toBe(1);
    await expect(limiter.acquire(0, AbortSignal.abort(new Error("already")))).rejects.toThrow("already");
  });
});

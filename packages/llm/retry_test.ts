import { describe, expect, it } from "vitest";
import { backoffDelay, retry, RetriesExhaustedError } from "./retry.ts";

function recorder() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

describe("retry()", () => {
  it("retry() tries again until the call succeeds", async () => {
    const { waits, sleep } = recorder();
    let calls = 0;
    const value = await retry(
      async () => {
        if (++calls < 3) throw new Error("flaky");
        return "ok";
      },
      { sleep, random: () => 0.5, baseDelayMs: 100 },
    );
    expect(value).toBe("ok");
    expect(calls).toBe(3);
    // Equal jitter: half fixed, half random, doubling each time.
    expect(waits).toEqual([75, 150]);
  });

  it("retry() gives up after maxAttempts with the last error as cause", async () => {
    const { waits, sleep } = recorder();
    let calls = 0;
    const failing = retry(
      async () => {
        calls++;
        throw new Error(`boom ${calls}`);
      },
      { sleep, maxAttempts: 4 },
    );
    await expect(failing).rejects.toBeInstanceOf(RetriesExhaustedError);
    await expect(failing).rejects.toMatchObject({ attempts: 4, message: "gave up after 4 attempts: boom 4" });
    expect(calls).toBe(4);
    expect(waits).toHaveLength(3);
  });

  it("retry() waits what the server asked (capped), instead of its own backoff", async () => {
    const { waits, sleep } = recorder();
    let calls = 0;
    await retry(
      async () => {
        if (++calls === 1) throw Object.assign(new Error("429"), { wait: 2_000 });
        if (calls === 2) throw Object.assign(new Error("429"), { wait: 999_999 });
        return calls;
      },
      { sleep, random: () => 0, decide: (error) => ({ retry: true, delayMs: (error as { wait: number }).wait }), maxRetryAfterMs: 5_000 },
    );
    expect(waits).toEqual([2_000, 5_000]);
  });

  it("retry() rethrows at once what decide() calls final", async () => {
    let calls = 0;
    const error = new Error("401");
    await expect(
      retry(
        async () => {
          calls++;
          throw error;
        },
        { decide: () => ({ retry: false }) },
      ),
    ).rejects.toBe(error);
    expect(calls).toBe(1);
  });

  it("retry() stops with the signal's reason when aborted", async () => {
    const controller = new AbortController();
    let calls = 0;
    const run = retry(
      async () => {
        calls++;
        controller.abort(new Error("run stopped"));
        throw new Error("network");
      },
      { signal: controller.signal },
    );
    await expect(run).rejects.toThrow("run stopped");
    expect(calls).toBe(1);
  });
});

describe("backoffDelay()", () => {
  it("backoffDelay() doubles from the base up to the ceiling, jittered in its upper half", () => {
    const options = { baseDelayMs: 1000, maxDelayMs: 8000 };
    expect(backoffDelay(1, { ...options, random: () => 0 })).toBe(500);
    expect(backoffDelay(1, { ...options, random: () => 0.999999 })).toBeCloseTo(1000, 2);
    expect(backoffDelay(3, { ...options, random: () => 0.5 })).toBe(3000);
    expect(backoffDelay(10, { ...options, random: () => 1 })).toBe(8000);
  });
});

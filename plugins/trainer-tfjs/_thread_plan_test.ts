import { describe, expect, it } from "vitest";
import { planThreads } from "./_thread_plan.ts";

const GiB = 1024 ** 3;

describe("planThreads()", () => {
  it("planThreads() auto takes the most threads whose copies of the model fit the memory available", () => {
    expect(planThreads({ requested: "auto", limit: 4, availableBytes: 16 * GiB, bytesPerThread: () => GiB })).toEqual({ threads: 4 });
    const plan = planThreads({ requested: "auto", limit: 4, availableBytes: 2.5 * GiB, bytesPerThread: () => GiB });
    expect(plan.threads).toBe(2);
    expect(plan.note).toMatch(/threads auto: 2 of 4 .*3 threads would need 3\.00 GiB, 2\.50 GiB are available/);
  });

  it("planThreads() auto counts each thread's smaller share of the batch", () => {
    // a 1 GiB model plus 1 GiB of activations for the whole batch, split over the threads
    const bytesPerThread = (t: number) => GiB + GiB / t;
    expect(planThreads({ requested: "auto", limit: 2, availableBytes: 3 * GiB, bytesPerThread }).threads).toBe(2);
    expect(planThreads({ requested: "auto", limit: 2, availableBytes: 2.9 * GiB, bytesPerThread }).threads).toBe(1);
  });

  it("planThreads() auto falls back to one thread when even two do not fit", () => {
    expect(planThreads({ requested: "auto", limit: 2, availableBytes: GiB, bytesPerThread: () => GiB }).threads).toBe(1);
  });

  it("planThreads() keeps an explicit count, capped by the limit, and warns when it does not fit", () => {
    expect(planThreads({ requested: 8, limit: 3, availableBytes: 16 * GiB, bytesPerThread: () => GiB })).toEqual({ threads: 3 });
    const plan = planThreads({ requested: 2, limit: 4, availableBytes: GiB, bytesPerThread: () => GiB });
    expect(plan).toMatchObject({ threads: 2, warn: true });
    expect(plan.note).toMatch(/threads 2 need about 2\.00 GiB together .* more than the 1\.00 GiB available/);
  });
});

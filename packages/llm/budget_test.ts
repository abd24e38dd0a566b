import { describe, expect, it } from "vitest";
import { Budget } from "./budget.ts";

describe("Budget", () => {
  it("Budget refuses a reservation that would pass the limit, counting calls in flight", () => {
    const budget = new Budget(1);
    const a = budget.reserve(0.4);
    const b = budget.reserve(0.4);
    expect(a && b).toBeTruthy();
    expect(budget.reserve(0.4)).toBeUndefined();
    a?.settle(0.1);
    expect(budget.spentUsd).toBeCloseTo(0.1);
    expect(budget.reservedUsd).toBeCloseTo(0.4);
    expect(budget.reserve(0.4)).toBeDefined();
  });

  it("Budget settles once, and without a limit always reserves", () => {
    const budget = new Budget();
    const r = budget.reserve(1e9);
    r?.settle(2);
    r?.settle(5);
    expect(budget.spentUsd).toBe(2);
    budget.record(1);
    expect(budget.spentUsd).toBe(3);
  });
});

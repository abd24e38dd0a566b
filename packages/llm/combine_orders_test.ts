import { describe, expect, it } from "vitest";
import { combineOrders, outcomeOf, type Outcome } from "./combine_orders.ts";

describe("outcomeOf()", () => {
  it("outcomeOf() reads a positional verdict as model A's result in each order", () => {
    expect([outcomeOf("A", "a-first"), outcomeOf("B", "a-first"), outcomeOf("tie", "a-first")]).toEqual(["win", "loss", "tie"]);
    expect([outcomeOf("A", "b-first"), outcomeOf("B", "b-first"), outcomeOf("tie", "b-first")]).toEqual(["loss", "win", "tie"]);
  });
});

describe("combineOrders()", () => {
  it("combineOrders() gives every pair of order outcomes its spec §9 result", () => {
    const table: Array<[Outcome, Outcome, Outcome, boolean]> = [
      ["win", "win", "win", false],
      ["win", "tie", "win", false],
      ["tie", "win", "win", false],
      ["loss", "loss", "loss", false],
      ["loss", "tie", "loss", false],
      ["tie", "loss", "loss", false],
      ["tie", "tie", "tie", false],
      ["win", "loss", "tie", true],
      ["loss", "win", "tie", true],
    ];
    for (const [aFirst, bFirst, outcome, inconsistent] of table) {
      expect(combineOrders(aFirst, bFirst), `${aFirst}+${bFirst}`).toEqual({ outcome, inconsistent });
    }
  });

  it("combineOrders() turns a judge that always prefers the first answer into inconsistent ties", () => {
    expect(combineOrders(outcomeOf("A", "a-first"), outcomeOf("A", "b-first"))).toEqual({ outcome: "tie", inconsistent: true });
  });
});

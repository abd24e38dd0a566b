import { usePlugin } from "@ual/core";
import { InfeasibleAlphaError } from "@ual/mapping";
import { expect, test } from "vitest";
import { rank } from "./rank.ts";

test("rank maps normalised ranks linearly with mean α, after imputing nulls", async () => {
  const mapper = await usePlugin(rank, { alpha: 0.1 });
  const result = mapper.map([5, null, 90, 40]);
  // The null gets the median 40, so the ranks are [0, 0.5, 1, 0.5] and β = 0.4/2.
  expect(Array.from(result.values).map((v) => Number(v.toFixed(12)))).toEqual([0, 0.1, 0.2, 0.1]);
  expect(result.imputed).toBe(1);
  expect(result.clipped).toBe(0);
  expect(result.details).toMatchObject({ alpha: 0.1, cap: 0.99, median: 40 });
  expect(result.details["beta"]).toBeCloseTo(0.2, 15);
  expect(result.details["mean"]).toBeCloseTo(0.1, 15);
});

test("rank clips at the cap", async () => {
  const mapper = await usePlugin(rank, { alpha: 0.3, cap: 0.4 });
  const result = mapper.map([1, 2, 3, 4, 5]);
  expect(result.clipped).toBeGreaterThan(0);
  expect(Math.max(...Array.from(result.values))).toBe(0.4);
});

test("rank options default to α 0.1, cap 0.99 and reject α above the cap on the alpha key", () => {
  expect(rank.options.parse({})).toEqual({ alpha: 0.1, cap: 0.99 });
  const parsed = rank.options.safeParse({ alpha: 0.5, cap: 0.3 });
  expect(parsed.success).toBe(false);
  expect(parsed.error?.issues[0]?.path).toEqual(["alpha"]);
  expect(rank.options.safeParse({ solver: "exact" }).success).toBe(false);
});

test("rank of a single sample is infeasible for α > 0", async () => {
  const mapper = await usePlugin(rank, {});
  expect(() => mapper.map([42])).toThrow(InfeasibleAlphaError);
});

test("rank is the mapper plugin @ual/mappers/rank", () => {
  expect(rank).toMatchObject({ name: "@ual/mappers/rank", kind: "mapper", apiVersion: 1, version: "0.1.0" });
});

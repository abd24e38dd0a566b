import { usePlugin } from "@ual/core";
import { expect, test } from "vitest";
import { power } from "./power.ts";

test("power maps ε ∝ u^γ with mean α (γ = 2 by default)", async () => {
  const mapper = await usePlugin(power, { alpha: 0.1 });
  const result = mapper.map([1, 2, 3]);
  const expected = [1, 4, 9].map((x) => (0.3 * x) / 14);
  for (let i = 0; i < 3; i++) expect(result.values[i]).toBeCloseTo(expected[i]!, 15);
  expect(result.details).toMatchObject({ alpha: 0.1, cap: 0.99, gamma: 2, median: null });
  expect(result.details["mean"]).toBeCloseTo(0.1, 15);
});

test("power imputes null scores with the median first", async () => {
  const mapper = await usePlugin(power, { alpha: 0.2, gamma: 1 });
  const result = mapper.map([10, null, 30]);
  expect(result.imputed).toBe(1);
  expect(result.details["median"]).toBe(20);
  expect(result.values[1]).toBeCloseTo(0.2, 15);
});

test("power options default γ to 2 and reject γ ≤ 0 and α above the cap", () => {
  expect(power.options.parse({})).toEqual({ alpha: 0.1, cap: 0.99, gamma: 2 });
  expect(power.options.safeParse({ gamma: 0 }).success).toBe(false);
  expect(power.options.safeParse({ gamma: -1 }).success).toBe(false);
  const aboveCap = power.options.safeParse({ alpha: 0.6, cap: 0.5 });
  expect(aboveCap.error?.issues[0]?.path).toEqual(["alpha"]);
});

test("power is the mapper plugin @ual/mappers/power", () => {
  expect(power).toMatchObject({ name: "@ual/mappers/power", kind: "mapper", apiVersion: 1, version: "0.1.0" });
});

import { usePlugin } from "@ual/core";
import { expect, test } from "vitest";
import { constant } from "./constant.ts";

test("constant gives every sample ε = α, null scores included", async () => {
  const mapper = await usePlugin(constant, { alpha: 0.3 });
  const result = mapper.map([5, null, 99]);
  expect(Array.from(result.values)).toEqual([0.3, 0.3, 0.3]);
  expect(result).toMatchObject({ imputed: 0, clipped: 0, details: { alpha: 0.3, mean: 0.3 } });
});

test("constant options default α to 0.1 and reject unknown keys and α outside [0, 0.99]", () => {
  expect(constant.options.parse({})).toEqual({ alpha: 0.1 });
  expect(constant.options.safeParse({ cap: 0.5 }).success).toBe(false);
  expect(constant.options.safeParse({ alpha: -0.01 }).success).toBe(false);
  expect(constant.options.safeParse({ alpha: 0.995 }).success).toBe(false);
});

test("constant is the mapper plugin @ual/mappers/constant", () => {
  expect(constant).toMatchObject({ name: "@ual/mappers/constant", kind: "mapper", apiVersion: 1, version: "0.1.0" });
});

import { usePlugin } from "@ual/core";
import { expect, test } from "vitest";
import { none } from "./none.ts";

test("none gives every sample ε = 0, even when every score is null", async () => {
  const mapper = await usePlugin(none, {});
  const result = mapper.map([null, null, 4]);
  expect(Array.from(result.values)).toEqual([0, 0, 0]);
  expect(result).toMatchObject({ imputed: 0, clipped: 0 });
});

test("none takes no options", () => {
  expect(none.options.parse({})).toEqual({});
  expect(none.options.safeParse({ alpha: 0.1 }).success).toBe(false);
});

test("none is the mapper plugin @ual/mappers/none", () => {
  expect(none).toMatchObject({ name: "@ual/mappers/none", kind: "mapper", apiVersion: 1, version: "0.1.0" });
});

import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { ManifestError } from "./errors.ts";
import { definePlugin } from "./plugin.ts";
import { z } from "./schema.ts";
import { createPluginContext, usePlugin } from "./use_plugin.ts";

const doubler = definePlugin({
  name: "test/doubler",
  version: "1.0.0",
  kind: "mapper",
  apiVersion: 1,
  options: z.strictObject({ factor: z.number().max(4).default(2) }),
  create: ({ factor }, ctx) => ({ map: (scores) => ({ values: scores.map((s) => (s ?? 0) * factor), imputed: 0, clipped: 0, details: { where: ctx.resolvePath("x") } }) }),
});

describe("usePlugin()", () => {
  test("validates options, applies defaults and creates the instance", async () => {
    const mapper = await usePlugin(doubler, {}, { baseDir: "/data" });
    const result = mapper.map([1, 2]);
    expect(Array.from(result.values)).toEqual([2, 4]);
    expect(result.details.where).toBe(join("/data", "x"));
  });

  test("reports every bad option like a manifest would", async () => {
    const error = await usePlugin(doubler, { factor: 9, fator: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ManifestError);
    expect((error as ManifestError).message).toBe('test/doubler: 2 problems:\n  test/doubler: with.factor: expected a number ≤ 4, got 9\n  test/doubler: with.fator: unknown key (did you mean "factor"?)');
  });
});

describe("createPluginContext()", () => {
  test("resolves paths against baseDir and keeps overrides", () => {
    const ctx = createPluginContext({ baseDir: "/a", seed: 7 });
    expect(ctx.resolvePath("b/c")).toBe("/a/b/c");
    expect(ctx.resolvePath("/abs")).toBe("/abs");
    expect(ctx.seed).toBe(7);
    expect(ctx.signal.aborted).toBe(false);
    expect(ctx.cacheDir).toBe("/a/.ual");
  });
});

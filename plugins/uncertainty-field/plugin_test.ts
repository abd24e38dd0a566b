import { isPlugin, type Sample, type UncertaintyResult, usePlugin } from "@ual/core";
import { describe, expect, it } from "vitest";
import { plugin } from "./plugin.ts";

const sample = (metadata: Sample["metadata"]): Sample => ({ id: "s", turns: [], metadata });

async function estimate(options: unknown, metadata: Sample["metadata"]): Promise<UncertaintyResult> {
  const estimator = await usePlugin(plugin, options);
  if (estimator.mode === "online") throw new Error("expected an offline estimator");
  return (await estimator.estimate(sample(metadata), { signal: new AbortController().signal })) as UncertaintyResult;
}

describe("plugin", () => {
  it("plugin is an uncertainty plugin named for its package", () => {
    expect(isPlugin(plugin)).toBe(true);
    expect(plugin).toMatchObject({ name: "@ual/uncertainty-field", version: "0.1.0", kind: "uncertainty", apiVersion: 1 });
  });

  it("plugin options have documented defaults and reject bad values", () => {
    expect(plugin.options.parse({})).toEqual({ field: "score", missing: "null" });
    expect(plugin.options.parse({ field: "ratings.gpt4", scale: [0, 99], missing: "fail" })).toEqual({
      field: "ratings.gpt4",
      scale: [0, 99],
      missing: "fail",
    });
    expect(plugin.options.safeParse({ feild: "score" }).success).toBe(false);
    expect(plugin.options.safeParse({ field: "" }).success).toBe(false);
    expect(plugin.options.safeParse({ scale: [99, 0] }).success).toBe(false);
    expect(plugin.options.safeParse({ scale: [0] }).success).toBe(false);
    expect(plugin.options.safeParse({ missing: "skip" }).success).toBe(false);
  });

  it("plugin estimates from the configured field", async () => {
    expect(await estimate({}, { score: "42" })).toEqual({ score: 42, source: "field:score" });
    expect(await estimate({ field: "ratings.gpt4", scale: [0, 99] }, { ratings: { gpt4: 120 } })).toEqual({
      score: null,
      reason: "score 120 is outside [0, 99]",
      source: "field:ratings.gpt4",
    });
  });

  it("plugin rejects the estimate of a sample without the field when missing is fail", async () => {
    await expect(estimate({ missing: "fail" }, {})).rejects.toThrow('sample "s": no field "score"');
    expect(await estimate({}, {})).toEqual({ score: null, reason: 'no field "score"', source: "field:score" });
  });
});

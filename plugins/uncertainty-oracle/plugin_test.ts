import { isPlugin, usePlugin, type OfflineEstimator, type Sample, type UncertaintyResult } from "@ual/core";
import { describe, expect, test } from "vitest";
import { plugin } from "./plugin.ts";

const signal = new AbortController().signal;

describe("plugin (@ual/uncertainty-oracle)", () => {
  test("plugin is an uncertainty plugin named for its package", () => {
    expect(isPlugin(plugin)).toBe(true);
    expect(plugin).toMatchObject({ name: "@ual/uncertainty-oracle", version: "0.1.0", kind: "uncertainty", apiVersion: 1 });
  });

  test("plugin options default to the 0–99 scale and reject unknown keys", () => {
    expect(plugin.options.parse({})).toEqual({ scale: "0-99" });
    expect(plugin.options.safeParse({ scale: "bits" }).success).toBe(false);
    expect(plugin.options.safeParse({ maxEntropy: 0 }).success).toBe(false);
    expect(plugin.options.safeParse({ maxEntropyy: 2 }).success).toBe(false);
  });

  test("plugin rates samples offline from their metadata", async () => {
    const estimator = (await usePlugin(plugin, { scale: "nats" })) as OfflineEstimator;
    expect(estimator.mode).toBe("offline");
    const sample: Sample = { id: "x", turns: [], metadata: { entropy: 0.5 } };
    expect(await (estimator.estimate(sample, { signal }) as Promise<UncertaintyResult>)).toEqual({ score: 0.5, source: "oracle:entropy" });
    expect(estimator.info?.()).toEqual({ scale: "nats", maxEntropy: "metadata.maxEntropy" });
  });
});

import { isPlugin, usePlugin, type OfflineEstimator, type PluginContext, type Sample, type UncertaintyResult } from "@ual/core";
import { createRng } from "@ual/random";
import { describe, expect, test } from "vitest";
import { noisyScore } from "./noisy_score.ts";
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

  test("plugin refuses noise outside 0..1 and on the nats scale", () => {
    expect(plugin.options.safeParse({ noise: { spearman: 0.7 } }).success).toBe(true);
    expect(plugin.options.safeParse({ noise: { spearman: 1.2 } }).success).toBe(false);
    expect(plugin.options.safeParse({ noise: { spearman: 0.7, sd: 3 } }).success).toBe(false);
    expect(plugin.options.safeParse({ scale: "nats", noise: { spearman: 0.7 } }).success).toBe(false);
  });

  test("plugin with noise rates each sample noisily from the run seed, says so in info(), and logs the realised ρ", async () => {
    const logs: Array<{ message: string; data?: unknown }> = [];
    const context = (seed: number): Partial<PluginContext> => ({
      seed,
      logger: { debug() {}, info: (message, data) => logs.push({ message, data }), warn() {}, error() {} },
    });
    const estimator = (await plugin.create(plugin.options.parse({ noise: { spearman: 0.7 } }), context(4) as PluginContext)) as OfflineEstimator;
    expect(estimator.info?.()).toEqual({ scale: "0-99", maxEntropy: "metadata.maxEntropy", noise: { spearman: 0.7, pearson: 2 * Math.sin((Math.PI * 0.7) / 6), seed: 4 } });
    const rng = createRng(8);
    const samples: Sample[] = Array.from({ length: 2000 }, (_, i) => ({ id: `s${i}`, turns: [], metadata: { entropy: rng.float() * Math.log(12), maxEntropy: Math.log(12) } }));
    const results = await Promise.all(samples.map((s) => estimator.estimate(s, { signal }) as Promise<UncertaintyResult>));
    const first = samples[0]!;
    const truth = (99 * (first.metadata.entropy as number)) / Math.log(12);
    expect(results[0]).toEqual({ score: noisyScore(truth, "s0", { spearman: 0.7, seed: 4 }), source: "oracle:entropy+noise(spearman 0.7)" });
    await estimator.close?.();
    expect(logs).toHaveLength(1);
    expect(logs[0]?.message).toMatch(/^noisy oracle: realised Spearman ρ = 0\.\d{4} between the true and the noisy scores of the 2000 samples rated in this attempt \(target 0\.7;/);
    const realised = (logs[0]?.data as { spearman: number }).spearman;
    expect(Math.abs(realised - 0.7)).toBeLessThan(0.06);
    // another run seed, another rater
    const other = (await plugin.create(plugin.options.parse({ noise: { spearman: 0.7 } }), context(5) as PluginContext)) as OfflineEstimator;
    expect(((await other.estimate(first, { signal })) as UncertaintyResult).score).not.toBe(results[0]?.score);
    // noise.seed fixes the rater across run seeds
    const fixed = (await plugin.create(plugin.options.parse({ noise: { spearman: 0.7, seed: 4 } }), context(5) as PluginContext)) as OfflineEstimator;
    expect(((await fixed.estimate(first, { signal })) as UncertaintyResult).score).toBe(results[0]?.score);
  });
});

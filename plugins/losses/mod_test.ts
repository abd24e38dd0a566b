import * as tf from "@tensorflow/tfjs-core";
import { isPlugin, type Loss, usePlugin } from "@ual/core";
import { selectBackend, tokenLoss, tokenLossPerSample } from "@ual/nn";
import { beforeAll, describe, expect, test } from "vitest";
import { asft, dft, eaft } from "./mod.ts";

const inputs = () => ({
  logits: tf.randomNormal([3, 5, 24], 0, 2, "float32", 5) as tf.Tensor3D,
  base: tf.randomNormal([3, 5, 24], 0, 2, "float32", 6) as tf.Tensor3D,
  labels: tf.tensor2d([[1, 2, 3, 4, 5], [-1, -1, 6, 7, -1], [0, 23, -1, 2, 2]], [3, 5], "int32"),
});

describe("@ual/losses", () => {
  beforeAll(async () => {
    await selectBackend("wasm");
  });

  test.each([
    ["@ual/losses/dft", dft],
    ["@ual/losses/eaft", eaft],
    ["@ual/losses/asft", asft],
  ] as const)("%s is a loss plugin", (name, plugin) => {
    expect(isPlugin(plugin)).toBe(true);
    expect(plugin).toMatchObject({ name, version: "0.1.0", kind: "loss", apiVersion: 1 });
    expect(plugin.description).toBeTruthy();
  });

  test("the options default to the peers' own: token mean, LLaMA-Factory's alpha, top-20 over ln 20", () => {
    expect(dft.options.parse({})).toEqual({ aggregation: "token-mean", convention: "reference" });
    expect(eaft.options.parse({})).toEqual({ alpha: 1, topK: 20, entropyScale: "log-k", aggregation: "token-mean", convention: "reference" });
    expect(asft.options.parse({})).toEqual({ alpha: 0.1, aggregation: "token-mean", convention: "reference" });
    expect(eaft.options.parse({ entropyScale: 3, aggregation: "sample-mean" })).toMatchObject({ entropyScale: 3, aggregation: "sample-mean" });
  });

  test("the options reject unknown keys and bad values", () => {
    expect(dft.options.safeParse({ alpha: 1 }).success).toBe(false);
    expect(eaft.options.safeParse({ alpha: -1 }).success).toBe(false);
    expect(eaft.options.safeParse({ topK: 1 }).success).toBe(false);
    expect(eaft.options.safeParse({ entropyScale: "ln" }).success).toBe(false);
    expect(asft.options.safeParse({ lambda: 0.1 }).success).toBe(false);
    expect(asft.options.safeParse({ aggregation: "mean" }).success).toBe(false);
  });

  test.each([
    ["dft", dft, {}, { weighting: "dft" }, "token-mean"],
    ["eaft", eaft, { alpha: 0.5 }, { weighting: "eaft", alpha: 0.5 }, "token-mean"],
    ["asft", asft, { aggregation: "sample-mean" }, { weighting: "dft", anchor: 0.1 }, "sample-mean"],
  ] as const)("%s's loss with %j is @ual/nn's tokenLoss with %j, aggregated by %s", async (_, plugin, withOptions, expected, aggregation) => {
    const loss = (await usePlugin(plugin as never, withOptions)) as Loss;
    expect(loss.aggregation).toBe(aggregation);
    expect(loss.needsBaseLogits).toBe(plugin === asft);
    tf.tidy(() => {
      const { logits, base, labels } = inputs();
      const eps = [0.1, 0, 0.3];
      const perSample = loss.perSample(logits, labels, eps, { baseLogits: base }) as tf.Tensor1D;
      expect(Array.from(perSample.dataSync())).toEqual(Array.from(tokenLossPerSample(logits, labels, eps, expected, base).dataSync()));
      const mean = loss.mean(logits, labels, eps, { baseLogits: base }) as tf.Scalar;
      expect(mean.dataSync()[0]).toBe(tokenLoss(logits, labels, eps, { ...expected, aggregation }, base).dataSync()[0]);
      const grad = tf.grad((x) => loss.mean(x, labels, eps, { baseLogits: base }) as tf.Scalar)(logits);
      expect(grad.shape).toEqual([3, 5, 24]);
    });
  });

  test("spec() describes the loss as JSON a trainer can rebuild it from", async () => {
    const loss = (await usePlugin(eaft, { alpha: 0.5, entropyScale: 3 })) as Loss;
    const spec = loss.spec?.();
    expect(spec).toEqual({ kind: "eaft", options: { alpha: 0.5, topK: 20, entropyScale: 3, convention: "reference" }, aggregation: "token-mean", needsBaseLogits: false });
    expect(JSON.parse(JSON.stringify(spec))).toEqual(spec);
    const anchored = (await usePlugin(asft, {})) as Loss;
    expect(anchored.spec?.()).toEqual({ kind: "asft", options: { alpha: 0.1, convention: "reference" }, aggregation: "token-mean", needsBaseLogits: true });
  });

  test("asft names the plugin when the trainer gives no base logits", async () => {
    const loss = (await usePlugin(asft, {})) as Loss;
    const { logits, labels, base } = inputs();
    expect(() => loss.mean(logits, labels, [0, 0, 0])).toThrow(/^@ual\/losses\/asft: tokenLoss: anchor 0.1 needs the base model's logits/);
    tf.dispose([logits, labels, base]);
  });
});

import * as tf from "@tensorflow/tfjs-core";
import { isPlugin, type Loss, usePlugin } from "@ual/core";
import { selectBackend } from "@ual/nn";
import { beforeAll, describe, expect, test } from "vitest";
import { plugin, smoothedCrossEntropy, smoothedCrossEntropyPerSample } from "./mod.ts";

async function loss(withOptions: unknown): Promise<Loss> {
  return await usePlugin(plugin, withOptions);
}

describe("plugin", () => {
  beforeAll(async () => {
    await selectBackend("wasm");
  });

  test("plugin is a loss plugin named after its package", () => {
    expect(isPlugin(plugin)).toBe(true);
    expect(plugin).toMatchObject({ name: "@ual/loss-label-smoothing", version: "0.1.0", kind: "loss", apiVersion: 1 });
    expect(plugin.description).toBeTruthy();
  });

  test("plugin options default to the reference convention and the targets denominator", () => {
    expect(plugin.options.parse({})).toEqual({ convention: "reference", denominator: "targets" });
    expect(plugin.options.parse({ convention: "uniform", denominator: "reference" })).toEqual({
      convention: "uniform",
      denominator: "reference",
    });
  });

  test("plugin options reject unknown keys and values", () => {
    expect(plugin.options.safeParse({ conventon: "uniform" }).success).toBe(false);
    expect(plugin.options.safeParse({ convention: "pytorch" }).success).toBe(false);
    expect(plugin.options.safeParse({ denominator: "labels" }).success).toBe(false);
  });

  test.each([
    [{}, { convention: "reference", denominator: "targets" }],
    [{ convention: "uniform", denominator: "reference" }, { convention: "uniform", denominator: "reference" }],
  ] as const)("plugin's loss with %j equals @ual/nn's smoothedCrossEntropy", async (withOptions, expected) => {
    const instance = await loss(withOptions);
    tf.tidy(() => {
      const logits = tf.randomNormal([3, 5, 17], 0, 2, "float32", 3) as tf.Tensor3D;
      const labels = tf.tensor2d([[1, 2, 3, 4, 5], [-1, -1, 6, 7, -1], [0, 16, -1, 2, 2]], [3, 5], "int32");
      const epsilon = [0.1, 0.4, 0];
      const perSample = instance.perSample(logits, labels, epsilon) as tf.Tensor1D;
      const direct = smoothedCrossEntropyPerSample(logits, labels, epsilon, expected);
      expect(Array.from(perSample.dataSync())).toEqual(Array.from(direct.dataSync()));
      const mean = instance.mean(logits, labels, epsilon) as tf.Scalar;
      expect(mean.dataSync()[0]).toBe(smoothedCrossEntropy(logits, labels, epsilon, expected).dataSync()[0]);
      // and its gradient flows to the logits
      const grad = tf.grad((x) => instance.mean(x, labels, epsilon) as tf.Scalar)(logits);
      expect(grad.shape).toEqual([3, 5, 17]);
    });
  });

  test("plugin's loss describes itself as a spec (label-smoothing, sample-mean) that @ual/nn rebuilds", async () => {
    const instance = await loss({ convention: "uniform" });
    expect(instance.aggregation).toBe("sample-mean");
    expect(instance.spec?.()).toEqual({ kind: "label-smoothing", options: { convention: "uniform", denominator: "targets" }, aggregation: "sample-mean", needsBaseLogits: false });
  });

  test("plugin's loss names the plugin when its input is wrong", async () => {
    const instance = await loss({});
    const logits = tf.zeros([1, 2, 4]);
    const labels = tf.tensor2d([[0, 9]], [1, 2], "int32");
    expect(() => instance.mean(logits, labels, [0.1])).toThrow(
      /^@ual\/loss-label-smoothing: smoothedCrossEntropy: labels\[0\]\[1\] = 9 is outside \[-1, 3\]/,
    );
    tf.dispose([logits, labels]);
  });
});

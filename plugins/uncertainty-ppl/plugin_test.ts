import { usePlugin, type OnlineEstimator } from "@ual/core";
import { describe, expect, test } from "vitest";
import { plugin } from "./plugin.ts";

describe("plugin (@ual/uncertainty-ppl)", () => {
  test("is an online estimator whose state round-trips through JSON", async () => {
    const estimator = (await usePlugin(plugin, { alpha: 0.1 })) as OnlineEstimator;
    expect(estimator.mode).toBe("online");
    expect(estimator.shift).toBe("next-token");
    estimator.next([2, 4]);
    const copy = (await usePlugin(plugin, { alpha: 0.1 })) as OnlineEstimator;
    copy.restore(JSON.parse(JSON.stringify(estimator.state())));
    expect(copy.next([3])).toEqual(estimator.next([3]));
  });

  test("validates its options", () => {
    expect(plugin.options.safeParse({ alpha: 0.5, cap: 0.3 }).success).toBe(false);
    expect(plugin.options.safeParse({ shift: "reference" }).success).toBe(true);
    expect(plugin.options.safeParse({ shfit: "reference" }).success).toBe(false);
  });
});

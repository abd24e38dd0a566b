import { type Mapper, isPlugin, usePlugin } from "@ual/core";
import { InfeasibleAlphaError } from "@ual/mapping";
import { describe, expect, test } from "vitest";
import { plugin, truncatedLinear } from "./mod.ts";

async function mapper(withOptions: unknown): Promise<Mapper> {
  return await usePlugin(plugin, withOptions);
}

describe("plugin", () => {
  test("plugin is a mapper plugin named after its package", () => {
    expect(isPlugin(plugin)).toBe(true);
    expect(plugin).toMatchObject({
      name: "@ual/mapper-truncated-linear",
      version: "0.1.0",
      kind: "mapper",
      apiVersion: 1,
    });
    expect(plugin.description).toBeTruthy();
  });

  test("plugin options default to α 0.1, cap 0.99, exact solver", () => {
    expect(plugin.options.parse({})).toEqual({ alpha: 0.1, cap: 0.99, solver: "exact" });
  });

  test("plugin options reject unknown keys, out-of-range values and α above the cap", () => {
    expect(plugin.options.safeParse({ alpah: 0.1 }).success).toBe(false);
    expect(plugin.options.safeParse({ alpha: -0.1 }).success).toBe(false);
    expect(plugin.options.safeParse({ alpha: 0.995 }).success).toBe(false);
    expect(plugin.options.safeParse({ cap: 0 }).success).toBe(false);
    expect(plugin.options.safeParse({ cap: 1.01 }).success).toBe(false);
    expect(plugin.options.safeParse({ solver: "newton" }).success).toBe(false);
    const aboveCap = plugin.options.safeParse({ alpha: 0.5, cap: 0.4 });
    expect(aboveCap.success).toBe(false);
    expect(aboveCap.error?.issues[0]?.path).toEqual(["alpha"]);
    expect(aboveCap.error?.issues[0]?.message).toMatch(/alpha must not exceed cap/);
    expect(plugin.options.safeParse({ alpha: 1, cap: 1 }).success).toBe(false);
    expect(plugin.options.safeParse({ alpha: 0.4, cap: 0.4 }).success).toBe(true);
  });

  test("plugin maps scores with the exact solver and reports β, α, cap, solver and median", async () => {
    const result = (await mapper({ alpha: 0.3 })).map([1, 1, null, 1, 1, 100]);
    expect(result.imputed).toBe(1);
    expect(result.clipped).toBe(1);
    // The null gets the median 1; six samples, one clipped: β = (6·0.3 − 0.99)/5.
    expect(result.values[2]).toBeCloseTo(0.162, 15);
    expect(result.values[5]).toBe(0.99);
    expect(result.details).toMatchObject({ alpha: 0.3, cap: 0.99, solver: "exact", median: 1 });
    expect(result.details["beta"]).toBeCloseTo(0.162, 15);
    expect(result.details["mean"]).toBeCloseTo(0.3, 15);
    expect(result.details).not.toHaveProperty("iterations");
  });

  test("plugin reproduces the reference loop with solver iterative", async () => {
    const result = (await mapper({ alpha: 0.3, solver: "iterative" })).map([1, 1, 1, 1, 100]);
    expect(result.values[0]).toBeCloseTo(0.12665, 5);
    expect(result.details).toMatchObject({ solver: "iterative", iterations: 18, median: null });
  });

  test("plugin results survive JSON (details is a JsonObject)", async () => {
    const result = (await mapper({})).map([0, 10, 20, 30, 90, 99]);
    expect(JSON.parse(JSON.stringify(result.details))).toEqual(result.details);
  });

  test("plugin passes infeasible α through as InfeasibleAlphaError", async () => {
    const m = await mapper({ alpha: 0.3 });
    expect(() => m.map([0, 0, 0, 5])).toThrow(InfeasibleAlphaError);
  });

  test("truncatedLinear is re-exported from @ual/mapping", () => {
    expect(truncatedLinear([1, 1, 1, 1, 100], { alpha: 0.3 }).beta).toBeCloseTo(0.1275, 15);
  });
});

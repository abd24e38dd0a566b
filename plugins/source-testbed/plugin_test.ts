import { createPluginContext, isPlugin, usePlugin, type Sample, type Source } from "@ual/core";
import { describe, expect, test } from "vitest";
import { generateTestbed } from "@ual/testbed";
import { plugin } from "./plugin.ts";

async function collect(source: Source, signal = new AbortController().signal): Promise<Sample[]> {
  const out: Sample[] = [];
  for await (const sample of source.read({ signal })) out.push(sample);
  return out;
}

describe("plugin (@ual/source-testbed)", () => {
  test("plugin is a source plugin named for its package", () => {
    expect(isPlugin(plugin)).toBe(true);
    expect(plugin).toMatchObject({ name: "@ual/source-testbed", version: "0.1.0", kind: "source", apiVersion: 1 });
  });

  test("plugin options have documented defaults and reject unknown keys", () => {
    expect(plugin.options.parse({})).toEqual({ count: 1000, split: "train", mix: 0.5 });
    expect(plugin.options.safeParse({ mix: 1.2 }).success).toBe(false);
    expect(plugin.options.safeParse({ kinds: ["fruit"] }).success).toBe(false);
    expect(plugin.options.safeParse({ kinds: [] }).success).toBe(false);
    expect(plugin.options.safeParse({ split: "test" }).success).toBe(false);
    expect(plugin.options.safeParse({ cont: 10 }).success).toBe(false);
    expect(plugin.options.safeParse({ seed: 1.5 }).success).toBe(false);
  });

  test("plugin takes the run's seed unless given one, and yields the same samples on every read", async () => {
    const source = await usePlugin(plugin, { count: 20 }, { seed: 11 });
    const first = await collect(source);
    expect(first).toEqual(generateTestbed({ seed: 11, count: 20 }));
    expect(await collect(source)).toEqual(first);
    const seeded = await usePlugin(plugin, { count: 20, seed: 12 }, { seed: 11 });
    expect(await collect(seeded)).toEqual(generateTestbed({ seed: 12, count: 20 }));
  });

  test("plugin counts, tallies and describes itself", async () => {
    const source = await usePlugin(plugin, { count: 7, split: "heldout", kinds: ["addition", "pick-letter"] }, { seed: 3 });
    const signal = new AbortController().signal;
    expect(await source.count?.({ signal })).toBe(7);
    expect(source.stats?.()).toEqual({ read: 0 });
    await collect(source);
    expect(source.stats?.()).toEqual({ read: 7 });
    expect(source.info?.()).toMatchObject({ seed: 3, count: 7, split: "heldout", mix: 0.5, kinds: ["addition", "pick-letter"] });
  });

  test("plugin fails when it is created, not mid-run, if kinds cannot serve mix", async () => {
    await expect(usePlugin(plugin, { kinds: ["addition"] })).rejects.toThrow("set mix to 0");
    const context = createPluginContext();
    expect(() => plugin.create(plugin.options.parse({ kinds: ["name-item"], mix: 0.2 }), context)).toThrow("asks for 800 low-entropy samples");
  });

  test("plugin stops reading when the run is aborted", async () => {
    const source = await usePlugin(plugin, { count: 100 });
    const controller = new AbortController();
    const reading = (async () => {
      for await (const _ of source.read({ signal: controller.signal })) controller.abort();
    })();
    await expect(reading).rejects.toThrow();
  });
});

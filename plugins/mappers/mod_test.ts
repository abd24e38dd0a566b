import { isPlugin } from "@ual/core";
import { expect, test } from "vitest";
import * as mappers from "./mod.ts";

test("mod exports four mapper plugins, each findable by the fragment after its name's last '/'", () => {
  const exported = Object.entries(mappers);
  expect(exported.map(([key]) => key).sort()).toEqual(["constant", "none", "power", "rank"]);
  for (const [key, plugin] of exported) {
    expect(isPlugin(plugin)).toBe(true);
    expect(plugin.kind).toBe("mapper");
    // `use: "@ual/mappers#rank"` finds the plugin whose name ends in "/rank".
    expect(plugin.name).toBe(`@ual/mappers/${key}`);
    expect(plugin.name.slice(plugin.name.lastIndexOf("/") + 1)).toBe(key);
  }
});

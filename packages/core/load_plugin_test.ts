import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { beforeAll, describe, expect, test } from "vitest";
import { loadPlugin, PluginNotFoundError, resolvePluginFile } from "./load_plugin.ts";

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, "fixtures", "plugins.mjs");
const coreEntry = pathToFileURL(join(here, "dist", "mod.js")).href;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "ual-load-"));
  // A local package folder, as a plugin author has it before publishing.
  mkdirSync(join(dir, "my-plugin", "dist"), { recursive: true });
  writeFileSync(join(dir, "my-plugin", "package.json"), JSON.stringify({ name: "my-plugin", type: "module", exports: { ".": { types: "./dist/mod.d.ts", import: "./dist/mod.js" } } }));
  writeFileSync(
    join(dir, "my-plugin", "dist", "mod.js"),
    `import { definePlugin, z } from ${JSON.stringify(coreEntry)};\nexport const plugin = definePlugin({ name: "my-plugin", version: "2.0.0", kind: "mapper", apiVersion: 1, options: z.strictObject({}), create: () => ({ map: (s) => ({ values: s.map(() => 0), imputed: 0, clipped: 0, details: {} }) }) });\n`,
  );
  // An installed package in node_modules.
  mkdirSync(join(dir, "node_modules", "@acme", "ual-things"), { recursive: true });
  writeFileSync(join(dir, "node_modules", "@acme", "ual-things", "package.json"), JSON.stringify({ name: "@acme/ual-things", type: "module", exports: "./index.js" }));
  writeFileSync(join(dir, "node_modules", "@acme", "ual-things", "index.js"), `export * from ${JSON.stringify(pathToFileURL(fixtures).href)};\n`);
  mkdirSync(join(dir, "unbuilt"), { recursive: true });
  writeFileSync(join(dir, "unbuilt", "package.json"), JSON.stringify({ name: "unbuilt", exports: "./dist/mod.js" }));
  writeFileSync(join(dir, "nothing.mjs"), "export const x = 1;\n");
});

describe("resolvePluginFile()", () => {
  test("a relative path, a package folder (through its exports) and an installed package name", () => {
    expect(resolvePluginFile("./nothing.mjs", dir)).toBe(join(dir, "nothing.mjs"));
    expect(resolvePluginFile("./my-plugin", dir)).toBe(join(dir, "my-plugin", "dist", "mod.js"));
    expect(resolvePluginFile("@acme/ual-things", dir)).toBe(join(dir, "node_modules", "@acme", "ual-things", "index.js"));
    expect(resolvePluginFile("npm:@acme/ual-things@^1#scale", dir)).toBe(join(dir, "node_modules", "@acme", "ual-things", "index.js"));
  });

  test("says what is wrong: no file, an unbuilt package, an unknown package with a hint", () => {
    expect(() => resolvePluginFile("./missing.js", dir)).toThrow(new PluginNotFoundError(`no file or directory at ${join(dir, "missing.js")}`));
    expect(() => resolvePluginFile("./unbuilt", dir)).toThrow(/has no entry file \(.*dist\/mod\.js is missing; was it built\?\)/);
    expect(() => resolvePluginFile("@acme/ual-thing", dir)).toThrow(/cannot find package "@acme\/ual-thing" from .*install it with npm/);
  });
});

describe("loadPlugin()", () => {
  test("loads the one plugin of a package folder", async () => {
    const { plugin, file } = await loadPlugin("./my-plugin", dir);
    expect(plugin).toMatchObject({ name: "my-plugin", version: "2.0.0", kind: "mapper" });
    expect(file).toBe(join(dir, "my-plugin", "dist", "mod.js"));
  });

  test("#name picks one of several plugins by its last name segment; a typo gets a hint", async () => {
    expect((await loadPlugin("@acme/ual-things#scale", dir)).plugin.name).toBe("fixture/mappers/scale");
    expect((await loadPlugin(`${fixtures}#list-source`, dir)).plugin.kind).toBe("source");
    await expect(loadPlugin("@acme/ual-things#scal", dir)).rejects.toThrow(/no plugin named "scal" \(did you mean "scale"\?\)/);
  });

  test("a module with several plugins and no pick lists the specifiers to use", async () => {
    await expect(loadPlugin("@acme/ual-things", dir)).rejects.toThrow(
      '"@acme/ual-things" exports 6 plugins; pick one: @acme/ual-things#api-two, @acme/ual-things#list-source, @acme/ual-things#metric, @acme/ual-things#online, @acme/ual-things#scale, @acme/ual-things#slow-length',
    );
  });

  test("a module without plugins says how to make one", async () => {
    await expect(loadPlugin("./nothing.mjs", dir)).rejects.toThrow("exports no plugin (export one made with definePlugin from @ual/core)");
  });
});

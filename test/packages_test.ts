import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, test } from "vitest";
import { isPlugin } from "@ual/core";
import { ROOT } from "./_cli.ts";

const packages = ["packages", "plugins"].flatMap((group) =>
  readdirSync(join(ROOT, group))
    .filter((name) => existsSync(join(ROOT, group, name, "package.json")))
    .map((name) => join(ROOT, group, name)),
);

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (["node_modules", "dist", "fixtures", "bench"].includes(entry.name)) return [];
    const path = join(dir, entry.name);
    return entry.isDirectory() ? sourceFiles(path) : entry.name.endsWith(".ts") ? [path] : [];
  });

describe("every package", () => {
  test.each(packages.map((p) => [p.slice(ROOT.length + 1), p]))("%s: mod.ts only re-exports; ESM; has a README", (_name, dir) => {
    const mod = readFileSync(join(dir, "mod.ts"), "utf8");
    const code = mod.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "").split("\n").filter((l) => l.trim() !== "");
    for (const line of code) expect(line).toMatch(/^export (\*|\{[^}]*\}|type \{[^}]*\}) from "[^"]+";$/);
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { type?: string; name: string };
    expect(manifest.type).toBe("module");
    expect(manifest.name.startsWith("@ual/")).toBe(true);
    expect(existsSync(join(dir, "README.md"))).toBe(true);
  });

  test("every package is publishable: the root's Apache-2.0 LICENSE, repository, prepack, main/types beside exports", () => {
    const license = readFileSync(join(ROOT, "LICENSE"), "utf8");
    expect(license).toContain("Apache License\n                           Version 2.0, January 2004");
    const problems: string[] = [];
    for (const dir of [...packages, join(ROOT, "examples", "third-party-plugin")]) {
      const name = dir.slice(ROOT.length + 1);
      if (!existsSync(join(dir, "LICENSE")) || readFileSync(join(dir, "LICENSE"), "utf8") !== license) problems.push(`${name}: LICENSE missing or not the root's`);
      const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { license?: string; repository?: { directory?: string }; main?: string; types?: string; files?: string[]; scripts?: Record<string, string>; exports?: Record<string, { types?: string; default?: string }> };
      if (manifest.license !== "Apache-2.0") problems.push(`${name}: license ${manifest.license}`);
      if (!dir.includes("examples") && manifest.repository?.directory !== name) problems.push(`${name}: repository.directory should be ${name}`);
      if (!manifest.scripts?.prepack) problems.push(`${name}: no prepack (npm pack/publish would ship a stale or missing dist/)`);
      if (!manifest.files?.includes("LICENSE")) problems.push(`${name}: files without LICENSE`);
      if (manifest.main !== manifest.exports?.["."]?.default || manifest.types !== manifest.exports?.["."]?.types) problems.push(`${name}: main/types differ from exports["."]`);
    }
    expect(problems).toEqual([]);
  });

  test("no source file uses `any` or a default export", () => {
    const offenders: string[] = [];
    for (const dir of packages) {
      for (const file of sourceFiles(dir)) {
        const text = readFileSync(file, "utf8").replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
        if (/[:<,(]\s*any\b(?![-\w])/.test(text) || /\bas any\b/.test(text)) offenders.push(`${file}: any`);
        // Tool configs (tsup.config.ts) must default-export; our own modules never do.
        if (/^export default\b/m.test(text) && !file.endsWith(".config.ts")) offenders.push(`${file}: default export`);
      }
    }
    expect(offenders).toEqual([]);
  });

  test("plugins declare the version of their package and depend on @ual/core as a peer only", async () => {
    for (const dir of packages.filter((p) => p.includes(`${join(ROOT, "plugins")}`))) {
      const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name: string; version: string; peerDependencies?: Record<string, string>; dependencies?: Record<string, string> };
      expect(manifest.peerDependencies?.["@ual/core"], manifest.name).toBeDefined();
      expect(manifest.dependencies?.["@ual/core"], manifest.name).toBeUndefined();
      // Plugins never depend on other plugins.
      for (const dep of Object.keys(manifest.dependencies ?? {})) {
        expect(existsSync(join(ROOT, "plugins", dep.replace("@ual/", ""))), `${manifest.name} depends on plugin ${dep}`).toBe(false);
      }
      const module = (await import(pathToFileURL(join(dir, "dist", "mod.js")).href)) as Record<string, unknown>;
      const plugins = Object.values(module).filter(isPlugin);
      expect(plugins.length, manifest.name).toBeGreaterThan(0);
      for (const plugin of plugins) {
        expect(plugin.version, plugin.name).toBe(manifest.version);
        expect(plugin.name.startsWith(manifest.name), plugin.name).toBe(true);
      }
    }
  });
});

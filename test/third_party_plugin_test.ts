import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, test } from "vitest";
import { ROOT, tempDir, ual } from "./_cli.ts";

const PLUGIN_DIR = join(ROOT, "examples", "third-party-plugin");

describe("a third-party plugin, built and loaded by path", () => {
  beforeAll(() => {
    // Build it as its author would (tsup, ESM + .d.ts), with the repository's tools.
    const tsup = join(ROOT, "node_modules", "tsup", "dist", "cli-default.js");
    const build = spawnSync(process.execPath, [tsup, "mod.ts", "--format", "esm", "--dts", "--clean", "--target", "node20"], { cwd: PLUGIN_DIR, encoding: "utf8" });
    expect(build.status, build.stderr).toBe(0);
  });

  test("runs in a manifest next to the project's own plugins", () => {
    const dir = tempDir();
    const manifest = join(dir, "lexical.yaml");
    writeFileSync(
      manifest,
      [
        "apiVersion: ual/v1",
        "name: lexical",
        "stages:",
        "  source:",
        "    use: \"@ual/source-jsonl\"",
        `    with: { path: ${JSON.stringify(join(ROOT, "examples/data/mixed.jsonl"))} }`,
        "  uncertainty:",
        `    use: ${JSON.stringify(PLUGIN_DIR)}`,
        "    with: { minWords: 3 }",
        "  mapper:",
        "    use: \"@ual/mapper-truncated-linear\"",
      ].join("\n"),
    );
    const validate = ual(["validate", manifest]);
    expect(validate.stdout).toMatch(/uncertainty\s+ual-uncertainty-lexical@1\.0\.0/);
    const { code, stdout } = ual(["run", manifest, "--runs-dir", join(dir, "runs"), "--json", "--quiet"]);
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as { outputs: { smoothing: string } };
    const rows = readFileSync(result.outputs.smoothing, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { id: string; score: number });
    expect(rows).toHaveLength(100);
    // GSM8K solutions are formulaic; open-ended answers are varied prose.
    const mean = (prefix: string, not = false) => {
      const xs = rows.filter((r) => r.id.startsWith(prefix) !== not).map((r) => r.score);
      return xs.reduce((a, b) => a + b, 0) / xs.length;
    };
    expect(mean("gsm8k")).toBeGreaterThan(0);
    expect(mean("gsm8k")).not.toBe(mean("gsm8k", true));
  });

  test("bad options for it are caught by validation, with the plugin's own schema", () => {
    const dir = tempDir();
    const manifest = join(dir, "bad.yaml");
    writeFileSync(manifest, `apiVersion: ual/v1\nstages:\n  source: { use: "@ual/source-jsonl", with: { path: x.jsonl } }\n  uncertainty: { use: ${JSON.stringify(PLUGIN_DIR)}, with: { minWords: 0 } }\n`);
    const { code, stderr } = ual(["validate", manifest]);
    expect(code).toBe(2);
    expect(stderr).toContain("stages.uncertainty.with.minWords: expected a number ≥ 1, got 0");
  });

  test("ual plugins lists the project's plugins with kind and version", () => {
    const { code, stdout } = ual(["plugins", "--json"]);
    expect(code).toBe(0);
    const { plugins } = JSON.parse(stdout) as { plugins: Array<{ specifier: string; kind: string; version: string }> };
    const specifiers = plugins.map((p) => p.specifier);
    expect(specifiers).toEqual(expect.arrayContaining(["@ual/source-jsonl", "@ual/uncertainty-field", "@ual/mapper-truncated-linear", "@ual/mappers#rank", "@ual/reporter-console", "@ual/reporter-jsonl"]));
    expect(plugins.find((p) => p.specifier === "@ual/mappers#power")).toMatchObject({ kind: "mapper", version: "0.1.0" });
  });
});

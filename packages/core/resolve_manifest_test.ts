import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { ManifestError } from "./errors.ts";
import { resolveManifest } from "./resolve_manifest.ts";

const here = dirname(fileURLToPath(import.meta.url));
const P = "./fixtures/plugins.mjs";

async function problems(text: string): Promise<string[]> {
  try {
    await resolveManifest(text, { baseDir: here, file: "m.yaml" });
  } catch (error) {
    if (error instanceof ManifestError) return error.message.split("\n").slice(1).map((l) => l.trim());
    throw error;
  }
  return [];
}

describe("resolveManifest()", () => {
  test("accepts a valid manifest and applies the plugins' defaults", async () => {
    const resolved = await resolveManifest(
      `apiVersion: ual/v1\nname: ok\nstages:\n  source: { use: "${P}#list-source", with: { count: 3 } }\n  uncertainty: { use: "${P}#slow-length" }\n  mapper: { use: "${P}#scale", with: { factor: 0.1 } }\n`,
      { baseDir: here, file: "m.yaml" },
    );
    expect(resolved.stages.map((s) => s.key)).toEqual(["source", "uncertainty", "mapper"]);
    expect(resolved.stages[0]?.options).toEqual({ count: 3, prefix: "s" });
    expect(resolved.manifest.run.seed).toBe(1337);
    expect(resolved.hash).toMatch(/^[0-9a-f]{16}$/);
  });

  test("reports every problem at once, with its path and line", async () => {
    const text = [
      "apiVersion: ual/v1",
      "stages:",
      "  source:",
      `    use: "${P}#list-source"`,
      "    with:",
      "      count: -2",
      "      prefx: a",
      "  uncertainty:",
      `    use: "${P}#scale"`,
      "  mapper:",
      `    use: "${P}#scale"`,
      "    with:",
      "      factor: 1.5",
      "  evaluators:",
      "    - use: ./no/such/plugin.mjs",
    ].join("\n");
    const lines = await problems(text);
    expect(lines).toContain("m.yaml:6:14 stages.source.with.count: expected a number > 0, got -2");
    expect(lines).toContain('m.yaml:7:7 stages.source.with.prefx: unknown key (did you mean "prefix"?)');
    expect(lines.some((l) => l.startsWith("m.yaml:9:10 stages.uncertainty.use:") && l.includes("is a mapper plugin, but this slot takes an uncertainty plugin"))).toBe(true);
    expect(lines).toContain("m.yaml:13:15 stages.mapper.with.factor: expected a number ≤ 1, got 1.5");
    expect(lines.some((l) => l.includes("stages.evaluators[0].use: no file or directory at"))).toBe(true);
    expect(lines).toHaveLength(5);
  });

  test("rejects unknown keys, a wrong apiVersion and a missing source, with hints", async () => {
    const lines = await problems("apiVersion: ual/v2\nstagse: {}\n");
    expect(lines).toContain('m.yaml:1:13 apiVersion: expected "ual/v1", got "ual/v2"');
    expect(lines).toContain('m.yaml:2:1 stagse: unknown key (did you mean "stages"?)');
    expect(lines).toContain("m.yaml: stages: required: expected an object");
  });

  test("names plugins written for another API version", async () => {
    const lines = await problems(`apiVersion: ual/v1\nstages:\n  source: { use: "${P}#list-source", with: { count: 1 } }\n  uncertainty: { use: "${P}#slow-length" }\n  mapper: { use: "${P}#api-two" }\n`);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("stages.mapper.use");
    expect(lines[0]).toContain("targets plugin API 2, but this @ual/core implements API 1");
  });

  test("reports an unknown package with a did-you-mean from installed @ual packages", async () => {
    const lines = await problems(`apiVersion: ual/v1\nstages:\n  source: { use: "npm:@ual/cor" }\n`);
    expect(lines[0]).toContain('stages.source.use: cannot find package "@ual/cor"');
    expect(lines[0]).toContain('did you mean "@ual/core"?');
  });

  test("asks to pick when a module exports several plugins, and suggests names", async () => {
    const several = await problems(`apiVersion: ual/v1\nstages:\n  source: { use: "${P}" }\n`);
    expect(several[0]).toContain(`exports 6 plugins; pick one: ${P}#list-source, ${P}#slow-length, ${P}#scale, ${P}#api-two, ${P}#online, ${P}#metric`);
    const typo = await problems(`apiVersion: ual/v1\nstages:\n  source: { use: "${P}#list-sorce" }\n`);
    expect(typo[0]).toContain('no plugin named "list-sorce" (did you mean "list-source"?)');
  });

  test("never echoes a secret pasted where an environment variable name belongs", async () => {
    const key = "sk-live-abcdefghijklmnop";
    const lines = await problems(`apiVersion: ual/v1\nstages:\n  source: { use: "${P}#list-source", with: { count: 1 } }\n  uncertainty: { use: "${P}#slow-length", secrets: { token: "${key}" } }\n`);
    expect(lines.join("\n")).not.toContain(key);
    expect(lines[0]).toContain("stages.uncertainty.secrets.token: expected the name of an environment variable");
  });

  test("checks cross-stage rules: a mapper needs an uncertainty stage", async () => {
    const lines = await problems(`apiVersion: ual/v1\nstages:\n  source: { use: "${P}#list-source", with: { count: 1 } }\n  mapper: { use: "${P}#scale", with: { factor: 0.5 } }\n`);
    expect(lines).toEqual(["m.yaml:4:3 stages.mapper: a mapper needs scores: add stages.uncertainty (e.g. @ual/uncertainty-field)"]);
  });

  test("reports YAML syntax errors with their line", async () => {
    const lines = await problems("apiVersion: ual/v1\nstages:\n  source: { use: [\n");
    expect(lines[0]).toMatch(/^m\.yaml:\d+:\d+ \(root\): syntax error/);
  });

  test("reads JSON manifests too", async () => {
    const resolved = await resolveManifest(JSON.stringify({ apiVersion: "ual/v1", stages: { source: { use: `${P}#list-source`, with: { count: 2 } } } }), { baseDir: here });
    expect(resolved.stages).toHaveLength(1);
    expect(join(resolved.baseDir)).toBe(here);
  });
});
